package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.tidings.subscriptions.control.FilterBuilder.filter;
import static org.tidings.subscriptions.control.TestEvents.event;

import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// covers S2S-6 (subscriptions by id), LEM-3 (filters managed through the API), LEM-11 (batches)
class SubscriptionIndexTest {

    private static final String NEW = "org.example.mail.MessageNew";
    private static final String ANN = "mailto:ann@example.com";
    private static final String BOB = "mailto:bob@example.com";

    private final SubscriptionIndex index = new SubscriptionIndex();
    private final UUID id = UUID.randomUUID();

    @Test
    void removedSubscriptionsNoLongerMatch() {
        index.put(id, filter().subjects(ANN).build());
        assertThat(index.size()).isEqualTo(1);

        assertThat(index.remove(id)).isTrue();

        assertThat(index.match(event(NEW, ANN).build())).isEmpty();
        assertThat(index.size()).isZero();
        assertThat(index.remove(id)).isFalse();
    }

    @Test
    void putReplacesTheFilterOfTheSameSubscription() {
        index.put(id, filter().subjects(ANN).build());

        index.put(id, filter().subjects(BOB).build());

        assertThat(index.size()).isEqualTo(1);
        assertThat(index.match(event(NEW, ANN).build())).isEmpty();
        assertThat(index.match(event(NEW, BOB).build())).containsExactly(id);
    }

    @Test
    void replacementMovesASubscriptionBetweenAnchorsAndTheSlowPath() {
        CloudEvent annsMail = event(NEW, ANN).withExtension("messagesize", 9000).build();
        index.put(id, filter().typePrefixes("org.example").build());
        assertThat(index.match(annsMail)).containsExactly(id);

        index.put(id, filter().expression("messagesize > 8000").build());
        assertThat(index.match(annsMail)).containsExactly(id);
        assertThat(index.match(event(NEW, ANN).withExtension("messagesize", 10).build())).isEmpty();

        index.put(id, filter().subjectDomains("example.net").build());
        assertThat(index.match(annsMail)).isEmpty();
    }

    @Test
    void expressionOnlySubscriptionsAreCheckedForEveryEvent() {
        IntStream.range(0, 100)
                .forEach(i -> index.put(UUID.randomUUID(), filter().subjects("mailto:u" + i + "@x").build()));
        UUID bigMail = UUID.randomUUID();
        UUID everything = UUID.randomUUID();
        index.put(bigMail, filter().expression("messagesize > 1000").build());
        index.put(everything, filter().build());

        assertThat(index.match(event(NEW, ANN).withExtension("messagesize", 5000).build()))
                .containsExactlyInAnyOrder(bigMail, everything);
        assertThat(index.match(event(NEW, "mailto:u7@x").build())).hasSize(2).contains(everything);
    }

    @ParameterizedTest
    @ValueSource(strings = {"type = ", "((", "type = 'a' garbage", "messagesize >>> 3", "'unterminated"})
    void invalidExpressionsAreRejectedAndLeaveTheIndexUnchanged(String invalid) {
        index.put(id, filter().subjects(ANN).build());

        assertThatThrownBy(() -> index.put(id, filter().expression(invalid).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid CloudEvents SQL expression")
                .hasMessageContaining(invalid);
        assertThat(index.match(event(NEW, ANN).build())).containsExactly(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void anEmptyExpressionIsRefusedRatherThanReadAsNone(String empty) {
        assertThatThrownBy(() -> index.put(id, filter().subjects(ANN).expression(empty).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThat(index.size()).isZero();
    }

    @Test
    void anExpressionBeingEvaluatedHoldsOffNoChange() throws Exception {
        index.put(id, filter().types(NEW).expression("gate = 'open'").build());
        GatedEvent gated = new GatedEvent(event(NEW, ANN).build());
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<List<UUID>> matching = threads.submit(() -> index.match(gated));
            assertThat(gated.awaitReading()).isTrue();

            Future<?> change = threads.submit(() -> index.put(UUID.randomUUID(), filter().subjects(BOB).build()));

            // generous: the change takes microseconds, but under the read lock it waited for the evaluation
            change.get(10, TimeUnit.SECONDS);
            gated.release();
            assertThat(matching.get(10, TimeUnit.SECONDS)).containsExactly(id);
        } finally {
            gated.release();
            threads.shutdownNow();
        }
    }

    @Test
    void anEventWithAHugeSubjectIsMatchedInMilliseconds() {
        index.put(id, filter().types(NEW).expression("subject LIKE '%@%.example.com'").build());
        // no scheme: what this test measures is matching, not the normalizer's handling of a 200 KB mailto: URI
        CloudEvent hostile = event(NEW, "ann" + "@a".repeat(100_000)).build();

        // generous: it takes milliseconds; the SDK's LIKE, a backtracking regular expression, took minutes
        List<UUID> matched = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> index.match(hostile));

        assertThat(matched).isEmpty();
        assertThat(index.match(event(NEW, "mailto:ann@mail.example.com").build())).containsExactly(id);
    }

    @Test
    void aSubscriptionMatchedThroughSeveralKeysIsReturnedOnce() {
        index.put(id, filter().typePrefixes("org", "org.example", "org.example.mail").build());
        UUID byDomain = UUID.randomUUID();
        index.put(byDomain, filter().subjectDomains("mail.example.com", "*.example.com", "*.com").build());
        UUID byPrefix = UUID.randomUUID();
        index.put(byPrefix, filter().subjectPrefixes("mailto:", "mailto:ann", "MAILTO:ann@mail").build());

        List<UUID> matched = index.match(event(NEW, "mailto:ann@mail.example.com").build());

        assertThat(matched).containsExactlyInAnyOrder(id, byDomain, byPrefix);
    }

    @Test
    void aBatchMatchesLikeItsEventsOneByOne() {
        index.put(id, filter().subjects(ANN).build());
        UUID allMail = UUID.randomUUID();
        index.put(allMail, filter().typePrefixes("org.example.mail").build());
        List<CloudEvent> batch = List.of(event(NEW, ANN).build(), event(NEW, BOB).build(),
                event("com.acme.X", ANN).build());

        List<List<UUID>> matched = index.match(batch);

        assertThat(matched).hasSize(3);
        for (int i = 0; i < batch.size(); i++) {
            assertThat(matched.get(i)).containsExactlyInAnyOrderElementsOf(index.match(batch.get(i)));
        }
        assertThat(matched.get(0)).containsExactlyInAnyOrder(id, allMail);
        assertThat(matched.get(1)).containsExactly(allMail);
        assertThat(matched.get(2)).containsExactly(id);
    }

    @Test
    void subscriptionsSharingKeysAreRemovedIndividually() {
        List<UUID> ids = IntStream.range(0, 50).mapToObj(i -> UUID.randomUUID()).toList();
        ids.forEach(each -> index.put(each, filter().types(NEW).build()));

        ids.subList(0, 25).forEach(index::remove);

        assertThat(index.match(event(NEW, ANN).build())).containsExactlyInAnyOrderElementsOf(ids.subList(25, 50));
    }
}
