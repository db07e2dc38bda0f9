package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.tidings.it.PipelineIT.assertProblem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A hostile review of the webhook path on the real stack (issue 9): receivers that hang or say 410, and the new
 * admin endpoints with input they should refuse. Each test states the guarantee it checks.
 */
@ExtendWith(ArquillianExtension.class)
class WebhookHostileIT {

    private static final String TYPE = "org.example.mail.MessageNew";

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    /** Accepts connections on 127.0.0.1 and reads nothing, answers nothing, until closed. */
    private static final class SilentReceiver implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> held = new CopyOnWriteArrayList<>();

        SilentReceiver() {
            try {
                server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread accepting = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        held.add(server.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "silent-receiver");
            accepting.setDaemon(true);
            accepting.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/hooks";
        }

        int connections() {
            return held.size();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    private String source() {
        String source = Events.uniqueSource();
        api.createSource("mail store", source);
        return source;
    }

    private String webhookSink(String source, String url, Integer readTimeoutMs) {
        return webhookSink(source, url, readTimeoutMs, null);
    }

    /** The same, with its own retry schedule if {@code schedule} is given. */
    private String webhookSink(String source, String url, Integer readTimeoutMs, List<String> schedule) {
        var body = new java.util.HashMap<String, Object>(Map.of("name", "hostile", "channel", "webhook", "url", url));
        if (readTimeoutMs != null) {
            body.put("readTimeoutMs", readTimeoutMs);
        }
        if (schedule != null) {
            body.put("retrySchedule", schedule);
        }
        var created = api.postJson("/api/sinks", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String sink = created.body().get("id").asText();
        subscriptions.add(api.subscribe(sink, Map.of("types", List.of(TYPE), "sources", List.of(source))));
        sinks.add(sink);
        return sink;
    }

    private final List<String> subscriptions = new java.util.ArrayList<>();
    private final List<String> sinks = new java.util.ArrayList<>();

    /**
     * Each test's sinks go when it ends, so that what they left waiting (a disabled sink's lines, a poisoned head)
     * is discarded ("the sink no longer exists") and cannot hold up the next test's retries.
     */
    @org.junit.jupiter.api.AfterEach
    void removeSinks() {
        subscriptions.forEach(id -> api.delete("/api/subscriptions/" + id));
        sinks.forEach(id -> api.delete("/api/sinks/" + id + "?purge=true"));
    }

    private String send(String source, String subject) {
        var event = Events.event(source, TYPE, subject);
        var accepted = api.post("/events", "application/cloudevents+json",
                Events.json(event).getBytes(StandardCharsets.UTF_8));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return event.getId();
    }

    /**
     * A live sink with one notification delivered to each of its {@code subjects}, so that each of its lines is pinned
     * to a consumer of tidings.deliver before a hostile receiver comes; returns its source.
     */
    private String liveLinesPinned(WebhookReceiver live, int subjects) {
        String liveSource = source();
        webhookSink(liveSource, live.url("/hooks"), null);
        for (int i = 0; i < subjects; i++) {
            send(liveSource, "mailto:user" + i + "@live.example");
        }
        await("each live line pinned to a consumer").atMost(Duration.ofSeconds(60))
                .until(() -> live.delivered().size() == subjects);
        return liveSource;
    }

    /** How long the next notification of each live subject takes to be delivered, all of them. */
    private Duration nextLiveNotificationsTake(WebhookReceiver live, String liveSource, int subjects,
            Duration atMost) {
        long liveSent = System.nanoTime();
        for (int i = 0; i < subjects; i++) {
            send(liveSource, "mailto:user" + i + "@live.example");
        }
        await().atMost(atMost).until(() -> live.delivered().size() == 2 * subjects);
        return Duration.ofNanos(System.nanoTime() - liveSent);
    }

    /**
     * "A dead sink does not slow a live one" (issue 9): a receiver that never answers must not hold back another
     * sink's first attempts for its read timeout. The broker pins each message group (hashed into 4096 buckets) to one
     * consumer of tidings.deliver, so a consumer held in a silent receiver's call would hold every line pinned to it.
     * The live sink's 32 subjects are pinned first, spread over the 8 consumers; then four calls to the silent
     * receiver hang on four consumers; then each live subject gets its next notification. When the attempt ran on the
     * consumer's thread, the lines pinned to those four waited for the 60 s timeout (this test failed so once in CI,
     * by chance, with one live subject). Now a consumer waits for an attempt two seconds at most (FirstAttempts), at
     * most 16 calls to one sink are in flight (tidings.webhook.max-in-flight-per-sink), and none prefetches: every
     * live notification arrives long before the first silent call times out.
     */
    @Test
    void aReceiverThatNeverAnswersDoesNotHoldBackAnotherSinksFirstAttempt() throws Exception {
        Duration readTimeout = Duration.ofSeconds(60);
        int subjects = 32;
        try (var silent = new SilentReceiver(); var live = new WebhookReceiver(n -> 200)) {
            String liveSource = liveLinesPinned(live, subjects);

            String deadSource = source();
            webhookSink(deadSource, silent.url(), (int) readTimeout.toMillis());
            for (int i = 0; i < 16; i++) {
                send(deadSource, "mailto:user" + i + "@dead.example");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> silent.connections() >= 4);

            Duration took = nextLiveNotificationsTake(live, liveSource, subjects, readTimeout.plusSeconds(30));
            assertThat(took).as("the live sink's notifications waited for the silent receiver's calls")
                    .isLessThan(readTimeout.dividedBy(2));
        }
    }

    /**
     * "A dead sink does not slow a live one", for a receiver that answers, but slowly: 1.5 s a call, within the
     * consumer's 2 s hold, so it never fails and its circuit never opens. A consumer that waited for each of its calls
     * was held 1.5 s per notification, with every line the broker pinned to it: 160 notifications to it held the 8
     * consumers for about 30 s, and the live sink's next notifications waited for them. Now no consumer waits for a
     * sink whose calls are slow (ReceiverPace, tidings.webhook.slow-call, 200 ms): once its first calls took 1.5 s, its
     * notifications are handed off, or parked for the retry worker. The slow sink's 40 subjects get 4 notifications
     * each, so its lines go through the hand-off, the parking behind a call in flight and the drain: each is POSTed
     * once, in order per subject, and the sink ends with no backlog.
     */
    @Test
    void aReceiverThatAnswersSlowlyDoesNotHoldBackAnotherSinksFirstAttempts() {
        int subjects = 32;
        int slowSubjects = 40;
        int perSlowSubject = 4;
        try (var slow = new WebhookReceiver(n -> 200, Duration.ofMillis(1500), 32);
                var live = new WebhookReceiver(n -> 200)) {
            String liveSource = liveLinesPinned(live, subjects);

            String slowSource = source();
            String slowSink = webhookSink(slowSource, slow.url("/hooks"), null);
            var sent = new java.util.ArrayList<String>();
            for (int round = 0; round < perSlowSubject; round++) {
                for (int i = 0; i < slowSubjects; i++) {
                    sent.add(send(slowSource, "mailto:user" + i + "@slow.example"));
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> slow.received().size() >= 8);

            Duration took = nextLiveNotificationsTake(live, liveSource, subjects, Duration.ofSeconds(120));
            // held back, they waited about 30 s; 20 s leaves a loaded two-core machine its pauses
            assertThat(took).as("the live sink's notifications waited for the slow receiver's calls")
                    .isLessThan(Duration.ofSeconds(20));

            await("every slow notification answered and recorded").atMost(Duration.ofSeconds(180))
                    .untilAsserted(() -> {
                        var status = api.get("/api/sinks/" + slowSink + "/status").body();
                        assertThat(status.get("delivered").asInt()).isEqualTo(sent.size());
                        assertThat(status.get("backlog").asInt()).isZero();
                    });
            var received = slow.received();
            assertThat(received).as("each POSTed once").hasSize(sent.size())
                    .extracting(r -> r.header("webhook-id")).doesNotHaveDuplicates();
            List<String> arrived = received.stream().map(r -> eventId(r.body())).toList();
            for (int i = 0; i < slowSubjects; i++) {
                int subject = i;
                List<String> ofSubject = java.util.stream.IntStream.range(0, perSlowSubject)
                        .mapToObj(round -> sent.get(round * slowSubjects + subject)).toList();
                assertThat(arrived.stream().filter(ofSubject::contains).toList())
                        .as("in order for subject " + subject).containsExactlyElementsOf(ofSubject);
            }
            assertThat(live.received()).hasSize(2 * subjects);
        }
    }

    /**
     * A receiver slower than the consumer's hold: its call goes on after the consumer returned (and its message was
     * acknowledged). The row committed SENDING before the call keeps its line: the next notification of the same
     * subject parks behind it instead of overtaking it, each is POSTed once, in order, and both end delivered.
     */
    @Test
    void aCallThatOutlastsTheConsumersHoldIsAnsweredOnceAndKeepsItsLineInOrder() {
        try (var slow = new WebhookReceiver(n -> 200)) {
            String source = source();
            String sink = webhookSink(source, slow.url("/hooks"), 60_000);
            slow.holdAnswers();
            String first = send(source, "mailto:ann@slow.example");
            await().atMost(Duration.ofSeconds(30)).until(() -> slow.received().size() == 1);
            String second = send(source, "mailto:ann@slow.example");
            await("the second is parked behind the first while the first call still runs")
                    .atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                            api.get("/api/sinks/" + sink + "/status").body().get("backlog").asInt()).isEqualTo(2));
            assertThat(slow.received()).as("nothing overtook the call held").hasSize(1);

            slow.answerHeld();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    api.get("/api/sinks/" + sink + "/status").body().get("backlog").asInt()).isZero());
            assertThat(slow.received()).as("each POSTed once, in order").extracting(r -> eventId(r.body()))
                    .containsExactly(first, second);
        }
    }

    private static String eventId(byte[] body) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * "A dead sink does not slow a live one", for retries (issue 9): the retry worker hands each attempt to a thread of
     * its own and waits for no receiver, so a retry held for a minute delays no other sink's retry. When the worker
     * made its attempts one after another on its own thread, the other sink's retry (due 400 ms after its first
     * attempt, the tests' schedule) waited for the held call's 60 s read timeout.
     */
    @Test
    void aRetryThatHangsDoesNotHoldBackAnotherSinksRetry() {
        try (var hanging = new WebhookReceiver(n -> n == 1 ? 503 : 200);
                var flaky = new WebhookReceiver(n -> n == 1 ? 503 : 200)) {
            String hangingSource = source();
            // the receiver answers the first attempt (503) and holds its answer to the retry, 3 s after it
            hanging.holdAnswersFrom(2);
            String hangingSink = webhookSink(hangingSource, hanging.url("/hooks"), 60_000,
                    List.of("PT0S", "PT3S", "PT0.5S"));
            send(hangingSource, "mailto:ann@hanging.example");
            await("the first attempt's failure is recorded").atMost(Duration.ofSeconds(30)).until(() -> api
                    .get("/api/sinks/" + hangingSink + "/status").body().hasNonNull("lastFailure"));
            await("its retry is held").atMost(Duration.ofSeconds(30)).until(() -> hanging.received().size() == 2);

            String flakySource = source();
            webhookSink(flakySource, flaky.url("/hooks"), null);
            send(flakySource, "mailto:bob@flaky.example");
            await("the other sink's retry is made while the held call runs").atMost(Duration.ofSeconds(30))
                    .until(() -> flaky.delivered().size() == 1);
            assertThat(hanging.received()).as("nothing else went to the held sink meanwhile").hasSize(2);

            hanging.answerHeld();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    api.get("/api/sinks/" + hangingSink + "/status").body().get("backlog").asInt()).isZero());
            assertThat(hanging.delivered()).as("the held retry delivered it, once").hasSize(1);
        }
    }

    /**
     * A sink disabled by 410 keeps its notifications waiting, one line per subject, all due. The retry worker takes
     * the 50 earliest due heads (Delivery.DUE_HEADS) and leaves a disabled sink's heads alone; if that is all it
     * finds, nothing else is ever retried. Another sink's parked notification must still be retried.
     */
    @Test
    void aDisabledSinkWithManyWaitingSubjectsDoesNotStarveAnotherSinksRetries() {
        try (var gone = new WebhookReceiver(n -> 410); var flaky = new WebhookReceiver(n -> n == 1 ? 503 : 200)) {
            String goneSource = source();
            String goneSink = webhookSink(goneSource, gone.url("/hooks"), null);
            send(goneSource, "mailto:first@gone.example");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.get("/api/sinks/" + goneSink)
                    .body().get("enabled").asBoolean()).isFalse());
            for (int i = 0; i < 60; i++) {
                send(goneSource, "mailto:user" + i + "@gone.example");
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(api.get("/api/sinks/" + goneSink
                    + "/status").body().get("backlog").asInt()).isEqualTo(61));

            String flakySource = source();
            webhookSink(flakySource, flaky.url("/hooks"), null);
            send(flakySource, "mailto:bob@flaky.example");
            await().atMost(Duration.ofSeconds(30)).until(() -> flaky.received().size() >= 1);
            await("the parked notification of the flaky sink is retried").atMost(Duration.ofSeconds(30))
                    .until(() -> flaky.delivered().size() == 1);
        }
    }

    /**
     * One sink whose sealed secret cannot be opened (sealed with another instance's generated key, or a key file that
     * was lost) makes every attempt to it throw. That must cost that sink only: another sink's parked notification
     * must still be retried, although the unopenable sink's waiting head sorts first among the due heads.
     */
    @Test
    void aSinkWhoseSecretCannotBeOpenedDoesNotStopTheRetriesOfOtherSinks() throws Exception {
        try (var gone = new WebhookReceiver(n -> 410); var flaky = new WebhookReceiver(n -> n == 1 ? 503 : 200)) {
            String poisonedSource = source();
            String poisoned = webhookSink(poisonedSource, gone.url("/hooks"), null);
            send(poisonedSource, "mailto:first@poisoned.example");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.get("/api/sinks/" + poisoned)
                    .body().get("enabled").asBoolean()).isFalse());
            try (var db = TestEnvironment.openDatabase();
                    var update = db.prepareStatement("UPDATE sink SET secret = ? WHERE id = ?")) {
                update.setString(1, "v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
                update.setObject(2, java.util.UUID.fromString(poisoned));
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            assertThat(api.postJson("/api/sinks/" + poisoned + "/enable", Map.of()).status()).isEqualTo(200);

            String flakySource = source();
            webhookSink(flakySource, flaky.url("/hooks"), null);
            send(flakySource, "mailto:bob@flaky.example");
            await().atMost(Duration.ofSeconds(30)).until(() -> flaky.received().size() >= 1);
            await("the parked notification of the healthy sink is retried").atMost(Duration.ofSeconds(30))
                    .until(() -> flaky.delivered().size() == 1);
        }
    }

    /**
     * Per sink and subject, notifications are delivered in the order they were matched (issue 9). The first one's
     * attempt fails (503, slowly) and recording that fails once (a database hiccup): the listener pauses and throws,
     * and the broker puts the first back at the head of the queue at once (tidings.deliver has no redelivery delay).
     * The second, queued meanwhile, must not overtake it.
     */
    @Test
    void aNotificationWhoseParkingFailsOnceIsNotOvertakenByTheNextOfItsSubject() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TestEnvironment.databaseUrl().startsWith("jdbc:h2:"),
                "the injected failure is an H2 trigger");
        // The first answer is slow, so that the second notification is in the queue when the first one fails.
        try (var receiver = new WebhookReceiver(n -> n == 1 ? slowly(503) : 200)) {
            String source = source();
            String sink = webhookSink(source, receiver.url("/hooks"), null);
            try (var db = TestEnvironment.openDatabase(); var statement = db.createStatement()) {
                FailingPark.arm(sink);
                statement.execute("CREATE TRIGGER IF NOT EXISTS hostile_failing_park BEFORE INSERT ON delivery "
                        + "FOR EACH ROW CALL \"" + FailingPark.class.getName() + "\"");
            }
            try {
                String first = send(source, "mailto:ann@example.com");
                String second = send(source, "mailto:ann@example.com");
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.delivered().size() >= 2);
                var order = receiver.delivered().stream().map(r -> Events.parse(new String(r.body(),
                        StandardCharsets.UTF_8)).getId()).distinct().toList();
                assertThat(order).as("accepted (2xx) in the order matched").containsExactly(first, second);
            } finally {
                FailingPark.disarm();
                try (var db = TestEnvironment.openDatabase(); var statement = db.createStatement()) {
                    statement.execute("DROP TRIGGER IF EXISTS hostile_failing_park");
                }
            }
        }
    }

    /** A receiver that takes two seconds to answer with this status. */
    private static int slowly(int status) {
        try {
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return status;
    }

    /**
     * Dead letters and their redrive are a webhook sink's; asked of a JMS sink they are refused like rotate/enable (its
     * status is the broker's count of its queue: SinkQueuesIT).
     */
    @Test
    void webhookOnlyEndpointsRefuseAJmsSink() {
        String jms = api.createJmsSink("queue sink");
        assertProblem(api.postJson("/api/sinks/" + jms + "/enable", Map.of()), 409, "conflict");
        assertProblem(api.postJson("/api/sinks/" + jms + "/dead-letters/redrive", Map.of()), 409, "conflict");
        assertProblem(api.get("/api/sinks/" + jms + "/dead-letters"), 409, "conflict");
    }

    /** Malformed input to the new endpoints is refused with problem+json and a stable code. */
    @Test
    void malformedInputToTheDeliveryEndpointsIsRefusedWithAProblem() {
        try (var receiver = new WebhookReceiver(n -> 200)) {
            String sink = webhookSink(source(), receiver.url("/hooks"), null);
            assertProblem(api.get("/api/sinks/" + sink + "/dead-letters?limit=100000"), 400, "invalid-request");
            assertProblem(api.get("/api/sinks/" + sink + "/dead-letters?after=-1"), 400, "invalid-request");
            assertProblem(api.get("/api/deliveries"), 400, "invalid-request");
            assertProblem(api.get("/api/sinks/" + java.util.UUID.randomUUID() + "/status"), 404, "not-found");
            assertProblem(api.postJson("/api/sinks/" + java.util.UUID.randomUUID() + "/dead-letters/redrive",
                    Map.of()), 404, "not-found");
            assertProblem(api.post("/api/sinks/" + sink + "/dead-letters/redrive", "application/json",
                    "{\"from\":\"yesterday\"}".getBytes(StandardCharsets.UTF_8)), 400, "malformed-json");
            assertProblem(api.postJson("/api/sinks", Map.of("name", "x", "channel", "webhook", "url",
                    "http://127.0.0.1/", "readTimeoutMs", 0)), 400, "invalid-request");
        }
    }
}
