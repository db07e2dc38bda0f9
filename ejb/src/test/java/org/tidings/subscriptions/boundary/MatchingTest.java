package org.tidings.subscriptions.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidings.provisioning.control.LoadGate;

/** The start-up window: events the adapter delivers before the index is loaded must not be matched against nothing. */
class MatchingTest {

    private static final CloudEvent EVENT = CloudEventBuilder.v1().withId("1").withSource(URI.create("https://a.example/"))
            .withType("org.example.mail.new").withSubject("mailto:ann@example.com").build();

    @Test
    void refusesToMatchBeforeTheIndexHasBeenLoaded() {
        var matching = new Matching(Duration.ofMillis(20));
        assertThatThrownBy(() -> matching.matches(EVENT)).isInstanceOf(LoadGate.NotLoaded.class);
    }

    @Test
    void matchesOnceLoadedEvenWhenNothingIsSubscribed() {
        var matching = new Matching(Duration.ofMillis(20));
        matching.reloaded(List.of(), List.of(), Instant.now());
        assertThat(matching.matches(EVENT)).isEmpty();
    }
}
