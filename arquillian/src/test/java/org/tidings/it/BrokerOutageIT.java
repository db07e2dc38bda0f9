package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import jakarta.jms.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With the broker gone, HTTP ingest says 503 and accepts nothing; once it is back, everything flows again. */
@ExtendWith(ArquillianExtension.class)
class BrokerOutageIT {

    private static final String TYPE = "org.example.mail.MessageNew";
    private static final String CE = "application/cloudevents+json";
    /** tidings.ingest.broker-wait, in milliseconds. */
    private static final long WAIT_MILLIS = TestEnvironment.BROKER_WAIT.toMillis();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    // covers S2S-3, S2S-8a, S2S-14, LEM-9
    @Test
    void ingestAnswers503WhileTheBrokerIsDownAndNothingIsHalfWritten() throws Exception {
        var api = new AdminApi(TestEnvironment.baseUrl());
        var route = api.route("mail store", "notifier", TYPE);
        String source = route.source();
        String sink = route.sink();
        String queue = "tidings.sink." + sink;

        CloudEvent before = Events.event(source, TYPE, "mailto:ann@example.com");
        assertThat(post(api, before).status()).isEqualTo(202);
        try (var messaging = Messaging.asApp()) {
            assertThat(messaging.receive(queue, null, 30_000)).isNotNull();
        }

        TestEnvironment.stopBroker();
        CloudEvent during = Events.event(source, TYPE, "mailto:ann@example.com");
        List<CloudEvent> duringBatch = List.of(Events.event(source, TYPE, "mailto:bob@example.com"),
                Events.event(source, TYPE, "mailto:bob@example.com"));
        AdminApi.Reply refused;
        AdminApi.Reply refusedBatch;
        try {
            refused = post(api, during);
            refusedBatch = postBatch(api, duringBatch);
        } finally {
            TestEnvironment.startBroker();
        }
        // Which of the two depends on when the send found the broker gone: no connection could be had, or the send
        // failed before the commit (nothing was accepted either way), or the commit itself failed (outcome unknown);
        // both say retry.
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.code()).isIn("broker-unavailable", "outcome-unknown");
        assertThat(refused.header("Retry-After")).isEqualTo("2");
        // a batch (LEM-11) is refused as a whole, as one event is
        assertThat(refusedBatch.status()).as(refusedBatch.toString()).isEqualTo(503);
        assertThat(refusedBatch.contentType()).startsWith("application/problem+json");
        assertThat(refusedBatch.code()).isIn("broker-unavailable", "outcome-unknown");
        assertThat(refusedBatch.header("Retry-After")).isEqualTo("2");

        // Retrying is safe whichever answer it was: once the broker is back, the refused event and a new one are
        // each delivered exactly once (if the failed send did reach the journal, its duplicate id drops the retry).
        CloudEvent after = Events.event(source, TYPE, "mailto:ann@example.com");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> post(api, during).status() == 202);
        assertThat(post(api, after).status()).isEqualTo(202);
        AdminApi.Reply batch = postBatch(api, duringBatch);
        assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
        assertThat(batch.body().path("accepted").asInt()).isEqualTo(2);
        assertThat(drained(queue, 4)).containsExactlyInAnyOrder(during.getId(), after.getId(),
                duringBatch.get(0).getId(), duringBatch.get(1).getId());
    }

    /**
     * A broker whose disk is full holds every sender back, and the Artemis client then waits for credit without end:
     * HTTP ingest must answer within tidings.ingest.broker-wait (4 s here), accept nothing, refuse the next events at
     * once for a while, and carry on once the broker takes events again. The broker's own disk monitor is made to find
     * the disk full.
     */
    // covers S2S-14, LEM-9
    @Test
    void ingestAnswers503WithinItsWaitWhileTheBrokersDiskIsFullAndAcceptsNothing() throws Exception {
        var api = new AdminApi(TestEnvironment.baseUrl());
        var route = api.route("mail store", "notifier", TYPE);
        String source = route.source();
        String queue = "tidings.sink." + route.sink();
        // 30,000 characters, about 60 KB of the broker's credit each (its text is 2 bytes a character), so that the
        // credit a pooled broker session holds (32 KiB between sends) is soon spent
        String padding = "x".repeat(30_000);

        UntilRefused sent;
        AdminApi.Reply next;
        long nextMillis;
        try (var full = TestEnvironment.diskFull()) {
            sent = sentUntilRefused(api, source, padding);
            long started = System.nanoTime();
            next = post(api, Events.event(source, TYPE, "mailto:ann@example.com"));
            nextMillis = (System.nanoTime() - started) / 1_000_000;
        }
        assertThat(sent.refused()).as("a refusal while the broker's disk was full").isNotNull();
        assertRefusedAsBrokerUnavailable(sent.refused());
        assertThat(sent.waitedMillis()).as("answered once its wait was up, not when the client gave up")
                .isBetween(WAIT_MILLIS - 200, 40_000L);
        assertRefusedAsBrokerUnavailable(next);
        assertThat(nextMillis).as("the next one refused at once, without waiting").isLessThan(WAIT_MILLIS - 200);

        // Nothing of the refused events was accepted.
        assertOnlyTheAcceptedWereAccepted(api, source, queue, sent);
    }

    /**
     * The same for an event large enough to be sent in chunks (over 100 KiB encoded): the Artemis client sends a chunk
     * and then waits for its credit, so the send is cut short with part of it at the broker. Nothing is routed, and
     * the pooled session carries the next large event whole.
     */
    // covers S2S-14, LEM-9
    @Test
    void aLargeEventCutShortWhileTheBrokersDiskIsFullIsNotAcceptedAndTheNextLargeOneIsWhole() throws Exception {
        var api = new AdminApi(TestEnvironment.baseUrl());
        var route = api.route("mail store", "notifier", TYPE);
        String source = route.source();
        String queue = "tidings.sink." + route.sink();
        String padding = "y".repeat(200_000); // about 400 KB encoded: four chunks

        CloudEvent large = Events.event(source, TYPE, "mailto:ann@example.com", padding);
        AdminApi.Reply refused;
        long waitedMillis;
        try (var full = TestEnvironment.diskFull()) {
            long started = System.nanoTime();
            refused = post(api, large);
            waitedMillis = (System.nanoTime() - started) / 1_000_000;
        }
        assertRefusedAsBrokerUnavailable(refused);
        assertThat(waitedMillis).isBetween(WAIT_MILLIS - 200, 40_000L);

        CloudEvent after = Events.event(source, TYPE, "mailto:ann@example.com");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> post(api, after).status() == 202);
        CloudEvent nextLarge = Events.event(source, TYPE, "mailto:ann@example.com", padding);
        assertThat(post(api, nextLarge).status()).isEqualTo(202);
        List<CloudEvent> delivered = drainedEvents(queue, 2);
        assertThat(delivered).extracting(CloudEvent::getId).containsExactlyInAnyOrder(after.getId(), nextLarge.getId());
        CloudEvent deliveredLarge = delivered.stream().filter(e -> e.getId().equals(nextLarge.getId())).findFirst()
                .orElseThrow();
        assertThat(deliveredLarge.getData().toBytes()).isEqualTo(nextLarge.getData().toBytes());
        assertThat(post(api, large).status()).isEqualTo(202);
        assertThat(drained(queue, 1)).containsExactly(large.getId());
    }

    /**
     * A broker that refuses the send itself (here: the events address blocked, as an operator may block it through the
     * broker's management API) is told apart from a failed commit: nothing was committed, so the answer is
     * broker-unavailable, "nothing was accepted", not outcome-unknown; and indeed nothing of it is delivered until it
     * is sent again.
     */
    // covers S2S-14, LEM-9
    @Test
    void ingestAnswersBrokerUnavailableWhenTheBrokerRefusesTheSendAndAcceptsNothing() throws Exception {
        var api = new AdminApi(TestEnvironment.baseUrl());
        var route = api.route("mail store", "notifier", TYPE);
        String source = route.source();
        String queue = "tidings.sink." + route.sink();
        String padding = "z".repeat(30_000); // spends the credit a pooled session holds, as above

        UntilRefused sent;
        try (var blocked = TestEnvironment.blocked("tidings.events")) {
            sent = sentUntilRefused(api, source, padding);
        }
        AdminApi.Reply refused = sent.refused();
        assertThat(refused).as("a refusal while the events address was blocked").isNotNull();
        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.code()).isEqualTo("broker-unavailable");
        assertThat(refused.header("Retry-After")).isEqualTo("2");
        assertThat(sent.waitedMillis()).as("refused, not held back until the wait was up")
                .isLessThan(WAIT_MILLIS - 200);

        assertOnlyTheAcceptedWereAccepted(api, source, queue, sent);
    }

    /**
     * Once the broker takes events again (and the gate lets a send try), a new event and the ones accepted before are
     * delivered, and the refused one is not, until it is sent again.
     */
    private static void assertOnlyTheAcceptedWereAccepted(AdminApi api, String source, String queue,
            UntilRefused sent) throws Exception {
        CloudEvent after = Events.event(source, TYPE, "mailto:ann@example.com");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> post(api, after).status() == 202);
        sent.accepted().add(after.getId());
        assertThat(drained(queue, sent.accepted().size())).containsExactlyInAnyOrderElementsOf(sent.accepted());
        assertThat(post(api, sent.held()).status()).isEqualTo(202);
        assertThat(drained(queue, 1)).containsExactly(sent.held().getId());
    }

    /** What {@link #sentUntilRefused} saw: the accepted events' ids, the refused event, its answer and its wait. */
    private record UntilRefused(List<String> accepted, CloudEvent held, AdminApi.Reply refused, long waitedMillis) {
    }

    /**
     * Posts padded events until one is refused (at most 500): those before it were sent on credit the broker had
     * granted before and are accepted.
     */
    private static UntilRefused sentUntilRefused(AdminApi api, String source, String padding) {
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            CloudEvent event = Events.event(source, TYPE, "mailto:ann@example.com", padding);
            long started = System.nanoTime();
            AdminApi.Reply reply = post(api, event);
            if (reply.status() != 202) {
                return new UntilRefused(accepted, event, reply, (System.nanoTime() - started) / 1_000_000);
            }
            accepted.add(event.getId());
        }
        return new UntilRefused(accepted, null, null, 0);
    }

    private static void assertRefusedAsBrokerUnavailable(AdminApi.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(503);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.code()).isEqualTo("broker-unavailable");
        assertThat(reply.header("Retry-After")).as("tidings.ingest.broker-wait")
                .isEqualTo(Long.toString(WAIT_MILLIS / 1000));
    }

    /** Waits until the events queue is empty and the sink queue holds {@code count}, then takes them all: their ids. */
    private static List<String> drained(String queue, int count) throws Exception {
        return drainedEvents(queue, count).stream().map(CloudEvent::getId).toList();
    }

    private static List<CloudEvent> drainedEvents(String queue, int count) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> TestEnvironment.messageCount("tidings.events") == 0
                && TestEnvironment.messageCount(queue) >= count);
        List<CloudEvent> delivered = new ArrayList<>();
        try (var messaging = Messaging.asApp()) {
            for (Message message = messaging.receive(queue, null, 5_000); message != null;
                    message = messaging.receive(queue, null, 1_000)) {
                delivered.add(Events.parse(Messaging.text(message)));
            }
        }
        return delivered;
    }

    private static AdminApi.Reply postBatch(AdminApi api, List<CloudEvent> events) {
        return api.post("/events", "application/cloudevents-batch+json", events.stream().map(Events::json)
                .collect(Collectors.joining(",", "[", "]")).getBytes(StandardCharsets.UTF_8));
    }

    private static AdminApi.Reply post(AdminApi api, CloudEvent event) {
        return api.post("/events", CE, Events.json(event).getBytes(StandardCharsets.UTF_8));
    }
}
