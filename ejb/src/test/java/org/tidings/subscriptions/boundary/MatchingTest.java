package org.tidings.subscriptions.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.subscriptions.entity.Filter;
import org.tidings.subscriptions.entity.Match;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.subscriptions.entity.Subscription;

class MatchingTest {

    private static final String TYPE = "org.example.mail.MessageNew";

    private final Matching matching = new Matching();
    private final UUID sink = UUID.randomUUID();
    private final CloudEvent event = CloudEventBuilder.v1().withId("1").withSource(URI.create("https://store.example/"))
            .withType(TYPE).withSubject("mailto:ann@example.com").build();

    @Test
    void anExpiredSubscriptionStopsMatchingByTimeAndIsDroppedWithoutItsRowBeingRemoved() {
        Instant past = Instant.now().minusSeconds(60);
        var expired = subscription(past.plusSeconds(1));
        var lasting = subscription(null);
        matching.subscriptionRead(expired.id(), expired, past);
        matching.subscriptionRead(lasting.id(), lasting, past);

        assertThat(matching.matches(event)).extracting(Match::subscriptionId).containsExactly(lasting.id());
        assertThat(matching.size()).isEqualTo(2);

        assertThat(matching.expiredDropped(Instant.now())).isEqualTo(1);
        assertThat(matching.size()).isEqualTo(1);
        assertThat(matching.matches(event)).extracting(Match::subscriptionId).containsExactly(lasting.id());
    }

    @Test
    void anExtendedSubscriptionIsNotDroppedAtItsOldExpiry() {
        Instant now = Instant.now();
        var subscription = subscription(now.minusSeconds(1));
        matching.subscriptionRead(subscription.id(), subscription, now.minusSeconds(2));
        subscription.changed(subscription.filter(), null);
        matching.subscriptionRead(subscription.id(), subscription, now);

        assertThat(matching.expiredDropped(now)).isZero();
        assertThat(matching.matches(event)).extracting(Match::subscriptionId).containsExactly(subscription.id());
    }

    @Test
    void aReloadReplacesEverythingAndLeavesOutExpiredRows() {
        var before = subscription(null);
        matching.subscriptionRead(before.id(), before, Instant.now());
        var kept = subscription(null);
        var expired = subscription(Instant.now().minusSeconds(1));
        var group = new ResourceGroup("g", Set.of("https://cdn.example/"), Set.of(), Instant.now());

        matching.reloaded(List.of(group), List.of(kept, expired), Instant.now());

        assertThat(matching.size()).isEqualTo(1);
        assertThat(matching.matches(event)).extracting(Match::subscriptionId).containsExactly(kept.id());
    }

    @Test
    void aRowReadAsGoneIsRemoved() {
        var subscription = subscription(null);
        matching.subscriptionRead(subscription.id(), subscription, Instant.now());

        matching.subscriptionRead(subscription.id(), null, Instant.now());

        assertThat(matching.matches(event)).isEmpty();
        assertThat(matching.size()).isZero();
    }

    private Subscription subscription(Instant expiresAt) {
        return new Subscription(sink, Filter.ofType(TYPE), expiresAt, Instant.now());
    }
}
