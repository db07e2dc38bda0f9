package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.tidings.it.PipelineIT.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Webhook sinks on the real stack: Payara Micro posts to a real HTTP receiver on 127.0.0.1, signed per Standard
 * Webhooks and checked by the specification's reference verifier; failures are parked and retried on the compressed
 * schedule the tests run with ({@link #RETRY_SCHEDULE}), in order per subject.
 */
@ExtendWith(ArquillianExtension.class)
class WebhookIT {

    /** Five attempts: at once, then four more 400 ms apart (set in TestEnvironment's configuration). */
    static final String RETRY_SCHEDULE = "0s,400ms,400ms,400ms,400ms";
    private static final int ATTEMPTS = 5;

    private static final String TYPE = "org.example.mail.MessageNew";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    /** A source, a webhook sink posting to the receiver, and a subscription of the sink to TYPE from the source. */
    private record Hook(String source, String sink, String secret, String subscription) {
    }

    private Hook hook(WebhookReceiver receiver) {
        String source = Events.uniqueSource();
        api.createSource("mail store", source);
        var created = api.postJson("/api/sinks", Map.of("name", "notifier", "channel", "webhook",
                "url", receiver.url("/hooks")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String sink = created.body().get("id").asText();
        String subscription = api.subscribe(sink, Map.of("types", List.of(TYPE), "sources", List.of(source)));
        return new Hook(source, sink, created.body().get("secret").asText(), subscription);
    }

    private CloudEvent send(Hook hook, String subject) {
        CloudEvent event = Events.event(hook.source(), TYPE, subject);
        var accepted = api.post("/events", "application/cloudevents+json",
                Events.json(event).getBytes(StandardCharsets.UTF_8));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return event;
    }

    /**
     * A notification the dispatcher has not taken yet (the deliveries queue paused, as a busy or stopped consumer
     * leaves it) is listed from its event's record as queued, a webhook's and a pull sink's alike; once taken, its
     * ledger row replaces it. The event spells its source otherwise than the source was provisioned: both spellings
     * find its deliveries.
     */
    // covers RUP-11
    @Test
    void aNotificationTheDispatcherHasNotTakenYetIsListedAsQueuedAndThenAsItsDeliveryUnderEitherSpelling()
            throws Exception {
        try (var receiver = new WebhookReceiver(n -> 200)) {
            Hook hook = hook(receiver);
            var pull = api.postJson("/api/sinks", Map.of("name", "feed", "channel", "pull"));
            assertThat(pull.status()).as(pull.toString()).isEqualTo(201);
            String feed = pull.body().get("id").asText();
            String feedSubscription = api.subscribe(feed, Map.of("types", List.of(TYPE), "sources",
                    List.of(hook.source())));
            Map<String, String> sinkOf = Map.of(hook.subscription(), hook.sink(), feedSubscription, feed);
            String spelled = hook.source().replace(".example.com", ".EXAMPLE.COM");
            CloudEvent event = Events.event(spelled, TYPE, "mailto:quinn@example.com");
            String asProvisioned = "/api/deliveries?source=" + hook.source() + "&id=" + event.getId();
            try (var held = TestEnvironment.paused("tidings.deliver")) {
                var accepted = api.post("/events", "application/cloudevents+json",
                        Events.json(event).getBytes(StandardCharsets.UTF_8));
                assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
                await().atMost(WAIT).untilAsserted(() -> assertThat(api.get(asProvisioned).body()).hasSize(2)
                        .allSatisfy(d -> {
                            assertThat(d.path("status").asText()).isEqualTo("queued");
                            assertThat(d.path("sinkId").asText())
                                    .isEqualTo(sinkOf.get(d.path("subscriptionId").asText()));
                            assertThat(d.path("eventSource").asText()).isEqualTo(spelled);
                            assertThat(d.path("attempts").asInt()).isZero();
                            assertThat(d.hasNonNull("seq")).as("numbered by the dispatcher, later").isFalse();
                            assertThat(d.hasNonNull("createdAt")).isTrue();
                        }));
                assertThat(receiver.received()).isEmpty();
            }
            for (String source : List.of(hook.source(), spelled)) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(api.get("/api/deliveries?source=" + source
                        + "&id=" + event.getId()).body()).hasSize(2).allSatisfy(d -> {
                            assertThat(d.path("status").asText()).as("%s", d).isEqualTo("delivered");
                            assertThat(d.path("sinkId").asText())
                                    .isEqualTo(sinkOf.get(d.path("subscriptionId").asText()));
                            assertThat(d.path("seq").asLong()).isEqualTo(1);
                            assertThat(d.path("eventSource").asText()).isEqualTo(spelled);
                        }));
            }
            assertThat(receiver.delivered()).hasSize(1);
            assertThat(api.delete("/api/subscriptions/" + feedSubscription).status()).isEqualTo(204);
        }
    }

    /**
     * An operator (or the sink's subscriber) pauses a webhook sink: what is matched for it waits, in order, and goes
     * out once the sink is enabled again. A JMS sink, whose consumers take its notifications themselves, cannot be
     * paused. The pause is audited; pausing a paused sink changes nothing and leaves no second record.
     */
    // covers RUP-11, S2S-10
    @Test
    void aPausedSinkHoldsItsNotificationsUntilItIsEnabledAgain() {
        try (var receiver = new WebhookReceiver(n -> 200)) {
            Hook hook = hook(receiver);
            var paused = api.postJson("/api/sinks/" + hook.sink() + "/pause", Map.of());
            assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
            assertThat(paused.body().get("enabled").asBoolean()).isFalse();
            assertThat(paused.body().get("disabledReason").asText()).startsWith("paused");
            assertThat(api.postJson("/api/sinks/" + hook.sink() + "/pause", Map.of()).status()).isEqualTo(200);

            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(send(hook, "mailto:pia@example.com").getId());
            }
            await().atMost(WAIT).until(() -> api.get("/api/sinks/" + hook.sink() + "/status").body()
                    .get("backlog").asInt() == 3);
            assertThat(receiver.received()).as("nothing sent while paused").isEmpty();

            assertThat(api.postJson("/api/sinks/" + hook.sink() + "/enable", Map.of()).status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> receiver.delivered().size() == 3);
            assertThat(receiver.delivered()).extracting(received -> eventOf(received).getId())
                    .as("in order, once each").containsExactlyElementsOf(sent);
            assertThat(api.get("/api/audit?target=" + hook.sink()).body()).extracting(r -> r.get("action").asText())
                    .containsExactly("sink.enable", "sink.pause", "sink.create");

            String jms = api.createJmsSink("read by its consumers");
            assertProblem(api.postJson("/api/sinks/" + jms + "/pause", Map.of()), 409, "conflict");
        }
    }

    // covers LST-11, S2S-12: a merge patch is read as UTF-8 whatever name its label gives UTF-8 (or US-ASCII, which it
    // contains), so a credential outside ASCII reaches the receiver as sent; a URL without an ASCII form is refused
    @Test
    void aPatchLabelledWithAnotherNameOfUtf8StoresItsTextAsSentAndAUrlWithoutAnAsciiFormIsRefused() {
        try (var receiver = new WebhookReceiver(n -> 200)) {
            Hook hook = hook(receiver);
            String password = "p\u00e4ss-" + UUID.randomUUID();
            for (String label : List.of("us-ascii", "\" utf-8 \"")) {
                var patched = api.request("PATCH", "/api/sinks/" + hook.sink(), "application/merge-patch+json; charset="
                        + label, ("{\"auth\":{\"type\":\"basic\",\"username\":\"relay\",\"password\":\""
                        + password + "\"}}").getBytes(StandardCharsets.UTF_8));
                assertThat(patched.status()).as("%s: %s", label, patched).isEqualTo(200);
            }
            send(hook, "mailto:kim@example.com");
            await().atMost(WAIT).until(() -> receiver.delivered().size() == 1);
            String basic = receiver.delivered().get(0).header("authorization");
            assertThat(new String(Base64.getDecoder().decode(basic.substring("Basic ".length())),
                    StandardCharsets.UTF_8)).isEqualTo("relay:" + password);

            // Java parses it, but has no ASCII form of it to make a request to: each attempt failed before its record
            assertProblem(api.post("/api/sinks", "application/json", ("{\"name\":\"odd\",\"channel\":\"webhook\","
                    + "\"url\":\"" + receiver.url("/hooks") + "?key=ab\\ud800cd\"}").getBytes(StandardCharsets.UTF_8)),
                    400, "invalid-request");
        }
    }

    // covers CARD-5, LEM-9: an operator's pause holds until an operator lifts it; a subscriber's own, either may
    @Test
    void aSubscriberCannotLiftAnOperatorsPauseOfItsSinkButLiftsItsOwn() {
        try (var receiver = new WebhookReceiver(n -> 200)) {
            String owner = api.postJson("/api/subscribers", Map.of("name", "pia " + UUID.randomUUID())).body()
                    .get("id").asText();
            AdminApi asOwner = api.withToken(api.issueToken("subscribers", owner));
            var created = asOwner.postJson("/api/sinks", Map.of("name", "pia's hook", "channel", "webhook",
                    "url", receiver.url("/hooks")));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String sink = created.body().get("id").asText();

            var byOperator = api.postJson("/api/sinks/" + sink + "/pause", Map.of());
            assertThat(byOperator.body().get("disabledReason").asText()).isEqualTo("paused by an operator");
            assertProblem(asOwner.postJson("/api/sinks/" + sink + "/enable", Map.of()), 409, "conflict");
            assertThat(api.get("/api/sinks/" + sink).body().get("enabled").asBoolean()).isFalse();
            assertThat(api.postJson("/api/sinks/" + sink + "/enable", Map.of()).body().get("enabled").asBoolean())
                    .isTrue();

            var own = asOwner.postJson("/api/sinks/" + sink + "/pause", Map.of());
            assertThat(own.body().get("disabledReason").asText()).isEqualTo("paused by its subscriber");
            assertThat(asOwner.postJson("/api/sinks/" + sink + "/enable", Map.of()).body().get("enabled").asBoolean())
                    .isTrue();

            // an operator pausing a sink its subscriber paused makes it an operator's pause
            asOwner.postJson("/api/sinks/" + sink + "/pause", Map.of());
            assertThat(api.postJson("/api/sinks/" + sink + "/pause", Map.of()).body().get("disabledReason").asText())
                    .isEqualTo("paused by an operator");
            assertProblem(asOwner.postJson("/api/sinks/" + sink + "/enable", Map.of()), 409, "conflict");
        }
    }

    private static Map<String, List<String>> headersOf(WebhookReceiver.Received received) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        received.headers().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values));
        return headers;
    }

    // covers LEM-6, S2S-8c, S2S-8d, RUP-11
    @Test
    void aWebhookIsSignedSoThatTheReferenceVerifierAcceptsItAndRejectsATamperedBody() throws Exception {
        try (var receiver = new WebhookReceiver(n -> 200)) {
            Hook hook = hook(receiver);
            assertThat(hook.secret()).startsWith("whsec_");
            JsonNode shown = api.get("/api/sinks/" + hook.sink()).body();
            assertThat(shown.toString()).as("the secret is shown once, at creation").doesNotContain(
                    hook.secret().substring(6)).doesNotContain("secret");
            assertThat(shown.get("url").asText()).isEqualTo(receiver.url("/hooks"));

            CloudEvent event = send(hook, "mailto:ann@example.com");
            await().atMost(WAIT).until(() -> !receiver.delivered().isEmpty());
            var received = receiver.received().get(0);
            assertThat(eventOf(received).getId()).isEqualTo(event.getId());
            assertThat(received.header("content-type")).startsWith("application/cloudevents+json");
            assertThat(received.header("webhook-id")).startsWith("msg_").doesNotContain(".");

            var verifier = new Webhook(hook.secret());
            String payload = new String(received.body(), StandardCharsets.UTF_8);
            assertThatCode(() -> verifier.verify(payload, headersOf(received)))
                    .doesNotThrowAnyException();
            assertThatThrownBy(() -> verifier.verify(payload.replace("INBOX", "OUTBOX"),
                    headersOf(received)))
                    .isInstanceOf(WebhookVerificationException.class);

            await().atMost(WAIT).untilAsserted(() -> {
                var deliveries = api.get("/api/deliveries?source=" + hook.source() + "&id=" + event.getId()).body();
                assertThat(deliveries).hasSize(1);
                assertThat(deliveries.get(0).get("status").asText()).isEqualTo("delivered");
                assertThat(deliveries.get(0).get("sinkId").asText()).isEqualTo(hook.sink());
                assertThat(deliveries.get(0).get("attempts").asInt()).isEqualTo(1);
                assertThat(deliveries.get(0).get("seq").asLong()).isEqualTo(1);
            });
            assertThat(seqOf(received)).as("the subscription's first notification").isEqualTo(1);
        }
    }

    // covers LEM-6, LEM-7, S2S-8d
    @Test
    void aBinaryModeSinkGetsTheEventsDataAsTheBodyByteForByteAndItsAttributesAsHeaders() throws Exception {
        try (var receiver = new WebhookReceiver(n -> 200)) {
            String source = Events.uniqueSource();
            api.createSource("mail store", source);
            var created = api.postJson("/api/sinks", Map.of("name", "binary notifier", "channel", "webhook",
                    "url", receiver.url("/binary"), "contentMode", "binary"));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(created.body().get("contentMode").asText()).isEqualTo("binary");
            String sink = created.body().get("id").asText();
            api.subscribe(sink, Map.of("types", List.of(TYPE), "sources", List.of(source)));
            String json = "{\"specversion\":\"1.0\",\"id\":\"bin-1\",\"source\":\"" + source + "\",\"type\":\"" + TYPE
                    + "\",\"subject\":\"mailto:ann@example.com\",\"data\": {\"size\":1.10,\"big\":1e400,"
                    + "\"name\":\"\\u00e9t\\u00e9\"} }";
            String text = "{\"specversion\":\"1.0\",\"id\":\"bin-2\",\"source\":\"" + source + "\",\"type\":\"" + TYPE
                    + "\",\"subject\":\"mailto:ann@example.com\",\"datacontenttype\":\"text/plain\","
                    + "\"data\":\"hello, ann\"}";
            for (String event : List.of(json, text)) {
                var accepted = api.post("/events", "application/cloudevents+json", event.getBytes(StandardCharsets.UTF_8));
                assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
            }
            await().atMost(WAIT).until(() -> receiver.delivered().size() == 2);

            var first = receiver.received().get(0);
            assertThat(new String(first.body(), StandardCharsets.UTF_8)).as("the data member's own text")
                    .isEqualTo("{\"size\":1.10,\"big\":1e400,\"name\":\"\\u00e9t\\u00e9\"}");
            assertThat(first.header("content-type")).isEqualTo("application/json");
            assertThat(first.header("ce-specversion")).isEqualTo("1.0");
            assertThat(first.header("ce-id")).isEqualTo("bin-1");
            assertThat(first.header("ce-source")).isEqualTo(source);
            assertThat(first.header("ce-type")).isEqualTo(TYPE);
            assertThat(first.header("ce-subject")).isEqualTo("mailto:ann@example.com");
            assertThat(first.header("ce-tidingsseq")).isEqualTo("1");
            assertThat(first.header("ce-data")).isNull();
            // signed over the body as sent, as every webhook
            var verifier = new Webhook(created.body().get("secret").asText());
            assertThatCode(() -> verifier.verify(new String(first.body(), StandardCharsets.UTF_8), headersOf(first)))
                    .doesNotThrowAnyException();

            var second = receiver.received().get(1);
            assertThat(new String(second.body(), StandardCharsets.UTF_8)).isEqualTo("hello, ann");
            assertThat(second.header("content-type")).isEqualTo("text/plain");
            assertThat(second.header("ce-datacontenttype")).isNull();
            assertThat(second.header("ce-id")).isEqualTo("bin-2");
            assertThat(second.header("ce-tidingsseq")).isEqualTo("2");

            // changed back: the next notification is a structured CloudEvent again
            assertProblem(patch(sink, "{\"contentMode\":\"batched\"}"), 400, "invalid-request");
            var changed = patch(sink, "{\"contentMode\":\"structured\"}");
            assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
            assertThat(changed.body().get("contentMode").asText()).isEqualTo("structured");
            var accepted = api.post("/events", "application/cloudevents+json", text.replace("bin-2", "bin-3")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
            await().atMost(WAIT).until(() -> receiver.delivered().size() == 3);
            var third = receiver.received().get(2);
            assertThat(third.header("content-type")).startsWith("application/cloudevents+json");
            assertThat(eventOf(third).getId()).isEqualTo("bin-3");
            assertThat(third.header("ce-id")).isNull();
        }
        assertProblem(api.postJson("/api/sinks", Map.of("name", "q", "channel", "jms", "contentMode", "binary")),
                400, "invalid-request");
        assertProblem(patch(api.createJmsSink("q"), "{\"contentMode\":\"binary\"}"), 409, "conflict");
        assertProblem(api.postJson("/api/sinks", Map.of("name", "h", "channel", "webhook",
                "url", "http://127.0.0.1:9/h", "contentMode", "batched")), 400, "invalid-request");
    }

    /** The notification's sequence number in its subscription, as the receiver reads it from the event. */
    private static long seqOf(WebhookReceiver.Received received) {
        JsonNode seq;
        try {
            seq = AdminApi.JSON.readTree(received.body()).get("tidingsseq");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(seq).as("tidingsseq").isNotNull();
        assertThat(seq.isIntegralNumber()).as("tidingsseq is a number").isTrue();
        return seq.asLong();
    }

    // covers LEM-8, LEM-9
    @Test
    void aFirstAttemptWhoseSenderDiedIsTakenOverWithItsNumber() throws Exception {
        try (var receiver = new WebhookReceiver(n -> 200)) {
            Hook hook = hook(receiver);
            // what a dispatcher killed during a first attempt leaves: the record, numbered and SENDING, and its message
            // still on the queue. Its lease is long, so only the redelivered message may take it over.
            CloudEvent redelivered = Events.event(hook.source(), TYPE, "mailto:ann@example.com");
            sendingRecord(hook, redelivered, 7, OffsetDateTime.now(ZoneOffset.UTC).plusDays(1));
            // and one whose message is gone too: once its lease has run out, the retry worker takes it over
            CloudEvent orphan = Events.event(hook.source(), TYPE, "mailto:bob@example.com");
            sendingRecord(hook, orphan, 8, OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1));

            assertThat(api.post("/events", "application/cloudevents+json",
                    Events.json(redelivered).getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(202);
            CloudEvent next = send(hook, "mailto:cy@example.com");
            await().atMost(WAIT).until(() -> receiver.delivered().size() >= 3);

            Map<String, Long> seqByEvent = new LinkedHashMap<>();
            for (var received : receiver.delivered()) {
                String id = eventOf(received).getId();
                assertThat(received.header("webhook-id")).isEqualTo(notificationId(hook, id));
                seqByEvent.merge(id, seqOf(received), (a, b) -> {
                    throw new AssertionError(id + " was delivered twice");
                });
            }
            assertThat(seqByEvent).as("each with the number it had; the counter took none for them").isEqualTo(Map.of(
                    redelivered.getId(), 7L, orphan.getId(), 8L, next.getId(), 1L));
            for (var event : List.of(redelivered, orphan)) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(api.get("/api/deliveries?source=" + hook.source()
                        + "&id=" + event.getId()).body()).singleElement().satisfies(d -> {
                            assertThat(d.get("status").asText()).isEqualTo("delivered");
                            assertThat(d.get("attempts").asInt()).isEqualTo(1);
                        }));
            }
        }
    }

    private void sendingRecord(Hook hook, CloudEvent event, long seq, OffsetDateTime lease)
            throws SQLException, NoSuchAlgorithmException {
        records(hook, "SENDING", 0, lease, List.of(event), seq);
    }

    /**
     * Delivery records of {@code events} to the hook's sink, in that order (their positions), numbered from
     * {@code firstSeq}, written as the ledger writes them: what a crash or a long outage leaves behind.
     */
    private void records(Hook hook, String status, int attempts, OffsetDateTime nextAttemptAt,
            List<CloudEvent> events, long firstSeq) throws SQLException, NoSuchAlgorithmException {
        var now = OffsetDateTime.now(ZoneOffset.UTC);
        try (var db = TestEnvironment.openDatabase(); var insert = db.prepareStatement("INSERT INTO delivery ("
                + "notification_id, sink_id, subscription_id, ordering_key, subject, event_key, event_source, event_id, "
                + "body, status, attempts, next_attempt_at, seq, created_at, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            db.setAutoCommit(false);
            long seq = firstSeq;
            for (CloudEvent event : events) {
                insert.setString(1, notificationId(hook, event.getId()));
                insert.setObject(2, UUID.fromString(hook.sink()));
                insert.setObject(3, UUID.fromString(hook.subscription()));
                insert.setString(4, digest(event.getSubject()));
                insert.setString(5, event.getSubject());
                insert.setString(6, digest(hook.source() + ' ' + event.getId()));
                insert.setString(7, hook.source());
                insert.setString(8, event.getId());
                insert.setBytes(9, Events.json(event).getBytes(StandardCharsets.UTF_8));
                insert.setString(10, status);
                insert.setInt(11, attempts);
                insert.setObject(12, nextAttemptAt, Types.TIMESTAMP_WITH_TIMEZONE);
                insert.setLong(13, seq++);
                insert.setObject(14, now, Types.TIMESTAMP_WITH_TIMEZONE);
                insert.setObject(15, now, Types.TIMESTAMP_WITH_TIMEZONE);
                insert.addBatch();
            }
            insert.executeBatch();
            db.commit();
        }
    }

    /** How many of the sink's delivery records are in each status. */
    private static Map<String, Long> statusesOf(String sink) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (var db = TestEnvironment.openDatabase(); var query = db.prepareStatement(
                "SELECT status, COUNT(*) FROM delivery WHERE sink_id = ? GROUP BY status")) {
            query.setObject(1, UUID.fromString(sink));
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return counts;
    }

    /** The notification id Tidings gives an event for a subscription (its webhook-id): see Notification.idOf. */
    private static String notificationId(Hook hook, String eventId) {
        return "msg_" + UUID.nameUUIDFromBytes((hook.source() + ' ' + eventId + ' ' + hook.subscription())
                .getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }

    /** The ledger's fixed-size keys: see Notification.orderingKeyOf and eventKey. */
    private static String digest(String text) throws NoSuchAlgorithmException {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    // covers LEM-8, LEM-9, S2S-8c
    @Test
    void aReceiverThatFailsThenRecoversGetsEveryNotificationOnceInOrderPerSubject() {
        try (var receiver = new WebhookReceiver(n -> n <= 3 ? 503 : n <= 5 ? 500 : 200)) {
            Hook hook = hook(receiver);
            Map<String, List<String>> sent = new LinkedHashMap<>();
            for (int i = 0; i < 10; i++) {
                for (String subject : List.of("mailto:ann@example.com", "mailto:bob@example.com")) {
                    sent.computeIfAbsent(subject, s -> new ArrayList<>()).add(send(hook, subject).getId());
                }
            }
            await().atMost(WAIT).until(() -> receiver.delivered().size() >= 20);

            Map<String, List<String>> deliveredIds = new LinkedHashMap<>();
            Set<String> webhookIds = new LinkedHashSet<>();
            for (var received : receiver.delivered()) {
                CloudEvent event = eventOf(received);
                deliveredIds.computeIfAbsent(event.getSubject(), s -> new ArrayList<>()).add(event.getId());
                webhookIds.add(received.header("webhook-id"));
            }
            assertThat(deliveredIds).as("each once, in the order sent, per subject").isEqualTo(sent);
            assertThat(webhookIds).as("one webhook-id per notification").hasSize(20);
            assertThat(receiver.received().size()).as("the five failures were retried").isGreaterThanOrEqualTo(25);

            // LEM-8: numbered 1..20 in the subscription, increasing per subject, and a retry keeps its number
            Map<String, Long> seqById = new LinkedHashMap<>();
            Map<String, List<Long>> seqsBySubject = new LinkedHashMap<>();
            for (var received : receiver.received()) {
                long seq = seqOf(received);
                Long before = seqById.putIfAbsent(received.header("webhook-id"), seq);
                assertThat(before == null ? seq : before).as("every attempt of a notification has its number")
                        .isEqualTo(seq);
            }
            for (var received : receiver.delivered()) {
                String subject = eventOf(received).getSubject();
                seqsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(seqOf(received));
            }
            assertThat(seqById.values()).as("gap-free").containsExactlyInAnyOrderElementsOf(
                    LongStream.rangeClosed(1, 20).boxed().toList());
            seqsBySubject.values().forEach(seqs -> assertThat(seqs).as("increasing per subject").isSorted());
        }
    }

    // covers LEM-9, S2S-8a, RUP-11
    @Test
    void aNotificationThatKeepsFailingBecomesADeadLetterAndARedriveDeliversIt() {
        try (var receiver = new WebhookReceiver(n -> 500)) {
            Hook hook = hook(receiver);
            CloudEvent event = send(hook, "mailto:carol@example.com");
            await().atMost(WAIT).untilAsserted(() -> {
                var dead = api.get("/api/sinks/" + hook.sink() + "/dead-letters").body();
                assertThat(dead).hasSize(1);
                assertThat(dead.get(0).get("eventId").asText()).isEqualTo(event.getId());
                assertThat(dead.get(0).get("attempts").asInt()).isEqualTo(ATTEMPTS);
                assertThat(dead.get(0).get("lastStatus").asInt()).isEqualTo(500);
            });
            assertThat(receiver.received()).hasSize(ATTEMPTS);
            assertThat(api.get("/api/sinks/" + hook.sink() + "/status").body().get("dead").asInt()).isEqualTo(1);

            receiver.answer(n -> 200);
            var redriven = api.postJson("/api/sinks/" + hook.sink() + "/dead-letters/redrive", Map.of());
            assertThat(redriven.body().get("redriven").asInt()).isEqualTo(1);
            await().atMost(WAIT).untilAsserted(() -> assertThat(api.get("/api/deliveries?source=" + hook.source()
                    + "&id=" + event.getId()).body().get(0).get("status").asText()).isEqualTo("delivered"));
            assertThat(receiver.delivered()).hasSize(1);
            assertThat(api.get("/api/sinks/" + hook.sink() + "/dead-letters").body()).isEmpty();
        }
    }

    // covers LEM-9, RUP-11
    @Test
    void deadLettersAreFilteredRedrivenOneAtATimeOrDiscardedWithARecord() {
        try (var receiver = new WebhookReceiver(n -> 500)) {
            Hook hook = hook(receiver);
            CloudEvent kept = send(hook, "mailto:fay@example.com");
            CloudEvent dropped = send(hook, "mailto:gus@example.com");
            String deadLetters = "/api/sinks/" + hook.sink() + "/dead-letters";
            await().atMost(WAIT).untilAsserted(() -> assertThat(api.get(deadLetters).body()).hasSize(2));
            assertThat(api.get(deadLetters + "?subject=mailto:fay@example.com").body()).singleElement()
                    .satisfies(d -> assertThat(d.get("eventId").asText()).isEqualTo(kept.getId()));
            assertThat(api.get(deadLetters + "?from=2999-01-01T00:00:00Z").body()).isEmpty();
            assertThat(api.get(deadLetters + "?to=2000-01-01T00:00:00Z").body()).isEmpty();
            assertProblem(api.get(deadLetters + "?from=yesterday"), 400, "invalid-request");
            String keptId = idOf(api.get(deadLetters + "?subject=mailto:fay@example.com").body());
            String droppedId = idOf(api.get(deadLetters + "?subject=mailto:gus@example.com").body());

            assertThat(api.delete(deadLetters + "/" + droppedId).status()).isEqualTo(204);
            assertProblem(api.delete(deadLetters + "/" + droppedId), 404, "not-found");
            receiver.answer(n -> 200);
            assertThat(api.postJson(deadLetters + "/" + keptId + "/redrive", Map.of()).status()).isEqualTo(200);
            assertProblem(api.postJson(deadLetters + "/msg_unknown/redrive", Map.of()), 404, "not-found");

            await().atMost(WAIT).until(() -> receiver.delivered().size() == 1);
            assertThat(eventOf(receiver.delivered().get(0)).getId()).isEqualTo(kept.getId());
            assertThat(api.get("/api/deliveries?source=" + hook.source() + "&id=" + dropped.getId()).body().get(0)
                    .get("status").asText()).as("the discard's record").isEqualTo("discarded");
            assertThat(api.get(deadLetters).body()).isEmpty();
        }
    }

    // covers LEM-9
    @Test
    void aRedriveAndTheSinksDeletionAtOnceEndAsEitherOrderWould() throws Exception {
        int lines = 20;
        int events = lines * 25;
        try (var receiver = new WebhookReceiver(n -> 200)) {
            for (int round = 0; round < 3; round++) {
                Hook hook = hook(receiver);
                // each line starts with a notification waiting for its retry, which both lock: the redrive as the
                // row ahead of the line's dead letters, the deletion as one to discard
                List<CloudEvent> waiting = new ArrayList<>();
                List<CloudEvent> dead = new ArrayList<>();
                for (int i = 0; i < lines; i++) {
                    waiting.add(Events.event(hook.source(), TYPE, "mailto:line" + i + "@example.com"));
                }
                for (int i = 0; i < events - lines; i++) {
                    dead.add(Events.event(hook.source(), TYPE, "mailto:line" + i % lines + "@example.com"));
                }
                records(hook, "WAITING", 1, OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(5), waiting, 1);
                records(hook, "DEAD", ATTEMPTS, null, dead, lines + 1);
                assertThat(api.delete("/api/subscriptions/" + hook.subscription()).status()).isEqualTo(204);
                String sink = "/api/sinks/" + hook.sink();

                var both = new CyclicBarrier(2);
                var race = Executors.newFixedThreadPool(2);
                AdminApi.Reply redriven;
                AdminApi.Reply deleted;
                try {
                    Future<AdminApi.Reply> redrive = race.submit(() -> {
                        both.await();
                        return api.postJson(sink + "/dead-letters/redrive", Map.of());
                    });
                    Future<AdminApi.Reply> deletion = race.submit(() -> {
                        both.await();
                        return api.delete(sink + "?purge=true");
                    });
                    redriven = redrive.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    deleted = deletion.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                } finally {
                    race.shutdownNow();
                }
                System.out.printf("round %d: redrive %d %s, deletion %d%n", round, redriven.status(), redriven.body(),
                        deleted.status());
                // the deletion may commit before the redrive reads the sink: then the redrive finds no sink, as it
                // would if it had been sent after the deletion
                assertThat(redriven.status()).as(redriven.toString()).isIn(200, 404, 409);
                assertThat(deleted.status()).as(deleted.toString()).isIn(204, 409);
                for (var refused : List.of(redriven, deleted)) {
                    if (refused.status() == 409) {
                        assertProblem(refused, 409, "conflict");
                    }
                }
                if (redriven.status() == 404) {
                    assertProblem(redriven, 404, "not-found");
                    assertThat(deleted.status()).as("a redrive finds no sink only after its deletion").isEqualTo(204);
                }
                List<CloudEvent> all = new ArrayList<>(waiting);
                all.addAll(dead);
                Set<String> ids = new LinkedHashSet<>(all.stream().map(CloudEvent::getId).toList());
                if (deleted.status() == 204) {
                    assertProblem(api.get(sink), 404, "not-found");
                    var statuses = statusesOf(hook.sink());
                    assertThat(statuses.keySet()).as("nothing left to send to a deleted sink: " + statuses)
                            .isSubsetOf("DELIVERED", "DISCARDED");
                    assertThat(statuses.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(events);
                } else {
                    assertThat(statusesOf(hook.sink())).as("the refused deletion discarded nothing")
                            .doesNotContainKey("DISCARDED");
                    // whatever the redrive did or did not do, every dead letter can still be redriven and delivered
                    await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                        api.postJson(sink + "/dead-letters/redrive", Map.of());
                        return statusesOf(hook.sink()).equals(Map.of("DELIVERED", (long) events));
                    });
                    Map<String, List<String>> arrivedByLine = new LinkedHashMap<>();
                    arrivedOf(receiver, ids).stream().map(WebhookIT::eventOf)
                            .forEach(e -> arrivedByLine.computeIfAbsent(e.getSubject(), k -> new ArrayList<>())
                                    .add(e.getId()));
                    Map<String, List<String>> sentByLine = new LinkedHashMap<>();
                    all.forEach(e -> sentByLine.computeIfAbsent(e.getSubject(), k -> new ArrayList<>())
                            .add(e.getId()));
                    assertThat(arrivedByLine).as("each once, in order per subject").isEqualTo(sentByLine);
                }
                assertThat(arrivedOf(receiver, ids).stream().map(r -> r.header("webhook-id")).toList())
                        .as("no notification sent twice").doesNotHaveDuplicates();
            }
        }
    }

    /** What the receiver answered with 2xx of the events with these ids, in the order it did. */
    private static List<WebhookReceiver.Received> arrivedOf(WebhookReceiver receiver, Set<String> ids) {
        return receiver.delivered().stream().filter(r -> ids.contains(eventOf(r).getId())).toList();
    }

    private static CloudEvent eventOf(WebhookReceiver.Received received) {
        return Events.parse(new String(received.body(), StandardCharsets.UTF_8));
    }

    // covers LEM-6
    @Test
    void webhookOperationsOnAJmsSinkAreAConflict() {
        String sink = api.createJmsSink("queue reader");
        // its status is the broker's count of its queue (SinkQueuesIT)
        assertProblem(api.get("/api/sinks/" + sink + "/dead-letters"), 409, "conflict");
        for (String path : List.of("/secret", "/enable", "/dead-letters/redrive")) {
            assertProblem(api.postJson("/api/sinks/" + sink + path, Map.of()), 409, "conflict");
        }
        assertProblem(api.postJson("/api/sinks", Map.of("name", "q", "channel", "jms", "url", "http://x.example/")),
                400, "invalid-request");
    }

    private static String idOf(JsonNode deadLetters) {
        assertThat(deadLetters).hasSize(1);
        return deadLetters.get(0).get("notificationId").asText();
    }

    // covers LEM-8, LEM-9
    @Test
    void aGoneAnswerDisablesTheSinkAndWhatWaitedIsDeliveredInOrderOnceItIsEnabled() {
        try (var receiver = new WebhookReceiver(n -> 410)) {
            Hook hook = hook(receiver);
            String first = send(hook, "mailto:dan@example.com").getId();
            await().atMost(WAIT).untilAsserted(() -> assertThat(api.get("/api/sinks/" + hook.sink()).body()
                    .get("enabled").asBoolean()).isFalse());
            String second = send(hook, "mailto:dan@example.com").getId();
            await().atMost(WAIT).untilAsserted(() -> assertThat(api.get("/api/sinks/" + hook.sink() + "/status")
                    .body().get("backlog").asInt()).isEqualTo(2));
            assertThat(receiver.received()).as("nothing is sent to a disabled sink").hasSize(1);

            receiver.answer(n -> 200);
            assertThat(api.postJson("/api/sinks/" + hook.sink() + "/enable", Map.of()).status()).isEqualTo(200);
            await().atMost(WAIT).untilAsserted(() -> assertThat(api.get("/api/sinks/" + hook.sink() + "/status")
                    .body().get("delivered").asInt()).as(api.get("/api/deliveries?source=" + hook.source() + "&id="
                    + first).body().toString()).isEqualTo(2));
            assertThat(receiver.delivered().stream().map(r -> eventOf(r).getId()).toList())
                    .containsExactly(first, second);
        }
    }

    // covers LEM-9, RUP-11
    @Test
    void aFailingSinkOpensItsCircuitWithoutHoldingUpALiveOneAndLosesNothing() {
        int events = 40;
        try (var failing = new WebhookReceiver(n -> 503); var live = new WebhookReceiver(n -> 200)) {
            String source = Events.uniqueSource();
            api.createSource("presence server", source);
            String failingSink = webhookSink(failing);
            String liveSink = webhookSink(live);
            for (String sink : List.of(failingSink, liveSink)) {
                api.subscribe(sink, Map.of("types", List.of(TYPE), "sources", List.of(source)));
            }
            for (int i = 0; i < events; i++) {
                var accepted = api.post("/events", "application/cloudevents+json", Events.json(
                        Events.event(source, TYPE, "xmpp:user" + i + "@example.com")).getBytes(StandardCharsets.UTF_8));
                assertThat(accepted.status()).isEqualTo(202);
            }
            await().atMost(WAIT).until(() -> live.delivered().size() == events);
            // Every subject is a line of its own, so each could have cost the failing sink an attempt; after five
            // failures in a row its circuit opened and the rest waited without any (a probe every 2 s at most).
            assertThat(failing.received().size()).as("attempts at the failing sink").isLessThan(events);
            await().atMost(WAIT).untilAsserted(() -> {
                var status = api.get("/api/sinks/" + failingSink + "/status").body();
                assertThat(status.get("circuit").asText()).isEqualTo("open");
                // the probes use up the schedule of the notifications they try, so some may be dead letters by now
                assertThat(status.get("backlog").asInt() + status.get("dead").asInt()).isEqualTo(events);
            });

            failing.answer(n -> 200);
            await().atMost(WAIT).untilAsserted(() -> {
                var status = api.get("/api/sinks/" + failingSink + "/status").body();
                assertThat(status.get("backlog").asInt()).isZero();
                assertThat(status.get("circuit").asText()).isEqualTo("closed");
            });
            api.postJson("/api/sinks/" + failingSink + "/dead-letters/redrive", Map.of());
            await().atMost(WAIT).untilAsserted(() -> assertThat(api.get("/api/sinks/" + failingSink + "/status")
                    .body().get("delivered").asInt()).isEqualTo(events));
            assertThat(failing.delivered().stream().map(r -> r.header("webhook-id")).distinct().count())
                    .isEqualTo(events);
            assertThat(api.get("/api/sinks/" + liveSink + "/status").body().get("delivered").asInt())
                    .isEqualTo(events);
        }
    }

    private String webhookSink(WebhookReceiver receiver) {
        var created = api.postJson("/api/sinks", Map.of("name", "notifier", "channel", "webhook",
                "url", receiver.url("/hooks")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.body().get("id").asText();
    }

    // covers S2S-8d
    @Test
    void afterARotationBothSecretsSignUntilTheOverlapEnds() throws Exception {
        try (var receiver = new WebhookReceiver(n -> 200)) {
            Hook hook = hook(receiver);
            var rotated = api.postJson("/api/sinks/" + hook.sink() + "/secret", Map.of());
            assertThat(rotated.status()).isEqualTo(200);
            String secret = rotated.body().get("secret").asText();
            assertThat(secret).startsWith("whsec_").isNotEqualTo(hook.secret());

            send(hook, "mailto:eve@example.com");
            await().atMost(WAIT).until(() -> receiver.delivered().size() == 1);
            var received = receiver.delivered().get(0);
            assertThat(received.header("webhook-signature").split(" ")).hasSize(2);
            String payload = new String(received.body(), StandardCharsets.UTF_8);
            for (String each : List.of(hook.secret(), secret)) {
                assertThatCode(() -> new Webhook(each).verify(payload,
                        headersOf(received))).doesNotThrowAnyException();
            }

            // The answer of a second rotation is lost, and it is retried: the receivers still hold the first secret,
            // which a third rotation within the overlap used to drop at once
            assertThat(api.postJson("/api/sinks/" + hook.sink() + "/secret", Map.of()).status()).isEqualTo(200);
            String third = api.postJson("/api/sinks/" + hook.sink() + "/secret", Map.of()).body().get("secret").asText();
            send(hook, "mailto:eve@example.com");
            await().atMost(WAIT).until(() -> receiver.delivered().size() == 2);
            var later = receiver.delivered().get(1);
            String laterPayload = new String(later.body(), StandardCharsets.UTF_8);
            for (String each : List.of(hook.secret(), secret, third)) {
                assertThatCode(() -> new Webhook(each).verify(laterPayload, headersOf(later)))
                        .doesNotThrowAnyException();
            }

            // a secret leaked: the rotation that ends the overlap leaves the new secret alone signing; a flag that is
            // neither true nor false is refused, not read as false (the leaked secret would sign for another day)
            assertProblem(api.post("/api/sinks/" + hook.sink() + "/secret?endOverlap=yes", "application/json",
                    "{}".getBytes(StandardCharsets.UTF_8)), 400, "invalid-request");
            var alone = api.post("/api/sinks/" + hook.sink() + "/secret?endOverlap=true", "application/json",
                    "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(alone.status()).isEqualTo(200);
            String last = alone.body().get("secret").asText();
            send(hook, "mailto:eve@example.com");
            await().atMost(WAIT).until(() -> receiver.delivered().size() == 3);
            var leaked = receiver.delivered().get(2);
            assertThat(leaked.header("webhook-signature").split(" ")).hasSize(1);
            assertThatCode(() -> new Webhook(last).verify(new String(leaked.body(), StandardCharsets.UTF_8),
                    headersOf(leaked))).doesNotThrowAnyException();
        }
    }

    // covers LEM-6
    /**
     * Finished records (delivered, discarded) older than the retention (7 days by default) are deleted; waiting ones
     * and dead letters never are, nor finished ones within the retention. The pruner runs every second in these tests
     * (TestEnvironment); the rows are written straight into the database, back-dated.
     */
    @Test
    void finishedDeliveryRecordsOlderThanTheRetentionAreDeletedAndNothingElseIs() throws Exception {
        var sink = UUID.randomUUID();
        var old = OffsetDateTime.now(ZoneOffset.UTC).minusDays(8);
        var recent = OffsetDateTime.now(ZoneOffset.UTC).minusDays(6);
        try (var db = TestEnvironment.openDatabase(); var insert = db.prepareStatement("INSERT INTO delivery ("
                + "notification_id, sink_id, subscription_id, ordering_key, subject, event_key, event_source, event_id, "
                + "status, attempts, next_attempt_at, created_at, updated_at) "
                + "VALUES (?, ?, ?, 'k', 's', 'e', 'src', ?, ?, 1, ?, ?, ?)")) {
            for (var row : List.of(List.of("old-delivered", "DELIVERED", old), List.of("old-discarded", "DISCARDED", old),
                    List.of("old-dead", "DEAD", old), List.of("old-waiting", "WAITING", old),
                    List.of("recent-delivered", "DELIVERED", recent))) {
                String name = (String) row.get(0);
                insert.setString(1, "msg_prune_" + sink.toString().replace("-", "") + "_" + name.replace("-", "_"));
                insert.setObject(2, sink);
                insert.setObject(3, sink);
                insert.setString(4, name);
                insert.setString(5, (String) row.get(1));
                insert.setObject(6, "WAITING".equals(row.get(1)) ? OffsetDateTime.now().plusDays(1) : null,
                        Types.TIMESTAMP_WITH_TIMEZONE);
                insert.setObject(7, row.get(2));
                insert.setObject(8, row.get(2));
                insert.executeUpdate();
            }
        }

        await("the old finished records are deleted").atMost(WAIT).until(() -> eventIdsOfSink(sink).size() == 3);
        assertThat(eventIdsOfSink(sink)).containsExactlyInAnyOrder("old-dead", "old-waiting", "recent-delivered");
    }

    private static List<String> eventIdsOfSink(UUID sink) throws SQLException {
        try (var db = TestEnvironment.openDatabase();
                var query = db.prepareStatement("SELECT event_id FROM delivery WHERE sink_id = ?")) {
            query.setObject(1, sink);
            List<String> ids = new ArrayList<>();
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }

    // covers LEM-9
    @Test
    void aSinkWithItsOwnRetryScheduleIsRetriedByItWhileAnotherFollowsTheGlobalOne() {
        List<String> ownSchedule = List.of("PT0S", "PT0.2S", "PT0.2S", "PT0.2S");
        try (var own = new WebhookReceiver(n -> 500); var global = new WebhookReceiver(n -> 500)) {
            String source = Events.uniqueSource();
            api.createSource("mail store", source);
            var created = api.postJson("/api/sinks", Map.of("name", "own schedule", "channel", "webhook",
                    "url", own.url("/hooks"), "retrySchedule", ownSchedule));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String ownSink = created.body().get("id").asText();
            String globalSink = webhookSink(global);
            assertThat(retryScheduleOf(ownSink)).isEqualTo(ownSchedule);
            assertThat(api.get("/api/sinks/" + globalSink).body().has("retrySchedule")).as("the global one").isFalse();
            for (String sink : List.of(ownSink, globalSink)) {
                api.subscribe(sink, Map.of("types", List.of(TYPE), "sources", List.of(source)));
            }

            var accepted = api.post("/events", "application/cloudevents+json", Events.json(Events.event(source,
                    TYPE, "mailto:hal@example.com")).getBytes(StandardCharsets.UTF_8));
            assertThat(accepted.status()).isEqualTo(202);

            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(deadAttempts(ownSink)).as("the first attempt and three retries").isEqualTo(4);
                assertThat(deadAttempts(globalSink)).isEqualTo(ATTEMPTS);
            });
            assertThat(own.received()).hasSize(4);
            assertThat(global.received()).hasSize(ATTEMPTS);
        }
    }

    // covers LEM-9
    /**
     * A notification waits for its second attempt, ten minutes after the first, under a two-attempt schedule; the
     * schedule changes meanwhile to four attempts; then the waiting row is made due in the database (a waiting
     * notification keeps the time it was given), and the notification is tried four times before it is dead. Not
     * timed: the change is committed before the second attempt can be claimed, whatever the machine's pace.
     */
    @Test
    void aChangedRetryScheduleAppliesFromTheNextScheduledAttempt() throws Exception {
        try (var receiver = new WebhookReceiver(n -> 500)) {
            String source = Events.uniqueSource();
            api.createSource("mail store", source);
            var created = api.postJson("/api/sinks", Map.of("name", "rescheduled", "channel", "webhook",
                    "url", receiver.url("/hooks"), "retrySchedule", List.of("PT0S", "PT10M")));
            String sink = created.body().get("id").asText();
            String subscription = api.subscribe(sink, Map.of("types", List.of(TYPE), "sources", List.of(source)));
            CloudEvent event = send(new Hook(source, sink, null, subscription), "mailto:ivy@example.com");
            await().atMost(WAIT).untilAsserted(() -> assertThat(api.get("/api/deliveries?source=" + source + "&id="
                    + event.getId()).body().get(0).get("status").asText()).isEqualTo("retrying"));

            var changed = patch(sink, "{\"retrySchedule\":[\"PT0S\",\"PT10M\",\"PT0.2S\",\"PT0.2S\"]}");
            assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
            assertThat(retryScheduleOf(sink)).containsExactly("PT0S", "PT10M", "PT0.2S", "PT0.2S");
            assertThat(receiver.received()).as("the change came before the second attempt").hasSize(1);
            try (var db = TestEnvironment.openDatabase(); var due = db.prepareStatement("UPDATE delivery SET "
                    + "next_attempt_at = ? WHERE sink_id = ? AND status = 'WAITING'")) {
                due.setObject(1, OffsetDateTime.now(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                due.setObject(2, UUID.fromString(sink));
                assertThat(due.executeUpdate()).as("the notification waiting for its second attempt").isEqualTo(1);
            }

            await().atMost(WAIT).untilAsserted(() -> assertThat(deadAttempts(sink)).isEqualTo(4));
            assertThat(receiver.received()).hasSize(4);

            assertThat(patch(sink, "{}").body().get("retrySchedule")).as("an absent member stays").hasSize(4);
            var cleared = api.request("PATCH", "/api/sinks/" + sink, "application/merge-patch+json",
                    "{\"retrySchedule\":null}".getBytes(StandardCharsets.UTF_8));
            assertThat(cleared.status()).as(cleared.toString()).isEqualTo(200);
            assertThat(api.get("/api/sinks/" + sink).body().has("retrySchedule")).as("the global one again").isFalse();
        }
    }

    // covers LEM-9
    @Test
    void aRetryScheduleThatIsNotAShortListOfIso8601DurationsIsRefused() {
        List<Object> hostile = List.of("PT5S", 5, Map.of(), List.of(), List.of("PT5S", 5), List.of("5s"),
                List.of("PT-5S"), List.of("P8D"), List.of("PT1S".repeat(20)), java.util.Collections.nCopies(21, "PT1S"),
                List.of(List.of("PT1S")));
        int sinksBefore = api.getAll("/api/sinks").size();
        for (Object schedule : hostile) {
            assertProblem(api.postJson("/api/sinks", Map.of("name", "bad", "channel", "webhook",
                    "url", "http://127.0.0.1:9/hooks", "retrySchedule", schedule)), 400, "invalid-retry-schedule");
        }
        assertThat(api.getAll("/api/sinks")).as("none was created").hasSize(sinksBefore);

        var purge = api.postJson("/api/sinks", Map.of("name", "cache", "channel", "purge",
                "caches", List.of("http://127.0.0.1:9/"), "retrySchedule", List.of("PT1S", "P7D")));
        assertThat(purge.status()).as(purge.toString()).isEqualTo(201);
        assertThat(purge.body().get("retrySchedule").toString()).isEqualTo("[\"PT1S\",\"PT168H\"]");
        String sink = purge.body().get("id").asText();
        for (Object schedule : hostile) {
            assertProblem(patch(sink, AdminApi.JSON.valueToTree(Map.of("retrySchedule", schedule)).toString()), 400,
                    "invalid-retry-schedule");
        }
        assertThat(retryScheduleOf(sink)).as("unchanged").containsExactly("PT1S", "PT168H");
        assertProblem(patch(sink, "{\"name\":\"renamed\"}"), 400, "invalid-request");
        for (String notAnObject : List.of("[\"PT1S\"]", "5", "{\"retrySchedule\":", "", "null", "\"x\"")) {
            assertProblem(patch(sink, notAnObject), 400, "malformed-json");
        }
        assertProblem(patch(UUID.randomUUID().toString(), "{\"retrySchedule\":[\"PT1S\"]}"), 404, "not-found");

        String jms = api.createJmsSink("queue reader");
        assertProblem(patch(jms, "{\"retrySchedule\":[\"PT1S\"]}"), 409, "conflict");
        assertProblem(api.postJson("/api/sinks", Map.of("name", "q", "channel", "jms",
                "retrySchedule", List.of("PT1S"))), 400, "invalid-request");
    }

    // covers LST-11
    @Test
    void aSinksCredentialsReachItsReceiverOnEveryAttemptAndAreNeverShownStoredInClearOrLogged() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        String basic = Base64.getEncoder().encodeToString(("relay:" + password).getBytes(StandardCharsets.UTF_8));
        String token = "tok" + UUID.randomUUID().toString().replace("-", "");
        String apiKey = "key-" + UUID.randomUUID();
        List<String> secrets = List.of(password, basic, token, apiKey);
        try (var server = ServerOutput.captured(); var receiver = new WebhookReceiver(n -> n == 1 ? 500 : 200)) {
            String source = Events.uniqueSource();
            api.createSource("mail store", source);
            var created = api.postJson("/api/sinks", Map.of("name", "guarded", "channel", "webhook",
                    "url", receiver.url("/hooks"), "auth", Map.of("type", "basic", "username", "relay",
                            "password", password)));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(created.body().get("auth")).hasToString("{\"type\":\"basic\"}");
            String sink = created.body().get("id").asText();
            Hook hook = new Hook(source, sink, null, api.subscribe(sink, Map.of("types", List.of(TYPE),
                    "sources", List.of(source))));

            CloudEvent first = send(hook, "mailto:kim@example.com");
            await().atMost(WAIT).until(() -> receiver.delivered().size() == 1);
            assertThat(receiver.received()).as("a failed first attempt, then its retry").hasSize(2)
                    .allSatisfy(request -> assertThat(request.header("authorization")).isEqualTo("Basic " + basic));

            var shown = List.of(created.body().toString(), api.get("/api/sinks/" + sink).body().toString(),
                    api.getAll("/api/sinks").toString(),
                    api.get("/api/deliveries?source=" + source + "&id=" + first.getId()).body().toString());
            assertThat(api.get("/api/sinks/" + sink).body().get("auth")).hasToString("{\"type\":\"basic\"}");
            try (var db = TestEnvironment.openDatabase(); var select = db.prepareStatement(
                    "SELECT auth_type, auth FROM sink WHERE id = ?")) {
                select.setObject(1, UUID.fromString(sink));
                try (var row = select.executeQuery()) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getString(1)).isEqualTo("BASIC");
                    assertThat(row.getString(2)).startsWith("v1:");
                    shown = new ArrayList<>(shown);
                    shown.add(row.getString(2));
                }
            }

            var bearer = patch(sink, "{\"auth\":{\"type\":\"bearer\",\"token\":\"" + token + "\"}}");
            assertThat(bearer.status()).as(bearer.toString()).isEqualTo(200);
            assertThat(bearer.body().get("auth")).hasToString("{\"type\":\"bearer\"}");
            send(hook, "mailto:kim@example.com");
            await().atMost(WAIT).until(() -> receiver.delivered().size() == 2);
            assertThat(receiver.received().get(2).header("authorization")).isEqualTo("Bearer " + token);

            var header = patch(sink, "{\"auth\":{\"type\":\"header\",\"name\":\"X-Api-Key\",\"value\":\""
                    + apiKey + "\"}}");
            assertThat(header.status()).as(header.toString()).isEqualTo(200);
            receiver.answer(n -> 500);
            send(hook, "mailto:kim@example.com");
            await().atMost(WAIT).until(() -> api.get("/api/sinks/" + sink + "/dead-letters").body().size() == 1);
            receiver.answer(n -> 200);
            assertThat(api.postJson("/api/sinks/" + sink + "/dead-letters/redrive", Map.of()).status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> receiver.delivered().size() == 3);
            assertThat(receiver.received().subList(3, receiver.received().size()))
                    .as("every attempt, then the redriven one").hasSize(ATTEMPTS + 1)
                    .allSatisfy(request -> {
                        assertThat(request.header("x-api-key")).isEqualTo(apiKey);
                        assertThat(request.header("authorization")).isNull();
                    });

            List<AdminApi.Reply> refusals = new ArrayList<>();
            for (String auth : List.of(
                    "{\"type\":\"header\",\"name\":\"Host\",\"value\":\"" + apiKey + "\"}",
                    "{\"type\":\"header\",\"name\":\"Content-Length\",\"value\":\"" + apiKey + "\"}",
                    "{\"type\":\"header\",\"name\":\"webhook-signature\",\"value\":\"" + apiKey + "\"}",
                    "{\"type\":\"header\",\"name\":\"X-Api-Key\",\"value\":\"" + apiKey + "\\r\\nHost: x\"}",
                    "{\"type\":\"bearer\",\"token\":\"" + token + "x".repeat(5000) + "\"}",
                    "{\"type\":\"basic\",\"username\":\"relay\"}",
                    "{\"type\":\"basic\",\"username\":\"relay\",\"password\":\"" + password
                            + "\",\"realm\":\"x\"}",
                    "{\"type\":\"digest\",\"token\":\"" + token + "\"}",
                    "\"" + token + "\"")) {
                var refused = patch(sink, "{\"auth\":" + auth + "}");
                assertProblem(refused, 400, "invalid-auth");
                refusals.add(refused);
            }
            assertProblem(api.postJson("/api/sinks", Map.of("name", "cache", "channel", "purge", "caches",
                    List.of(receiver.url("/")), "auth", Map.of("type", "bearer", "token", token))), 400,
                    "invalid-auth");
            var inTheClear = api.postJson("/api/sinks", Map.of("name", "cleartext", "channel", "webhook", "url",
                    "http://hooks.example.com/in", "auth", Map.of("type", "bearer", "token", token)));
            assertProblem(inTheClear, 400, "invalid-auth"); // plain http beyond loopback would carry it in the clear
            refusals.add(inTheClear);
            assertThat(api.get("/api/sinks/" + sink).body().get("auth")).as("unchanged by the refusals")
                    .hasToString("{\"type\":\"header\"}");

            var removed = patch(sink, "{\"auth\":null}");
            assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
            assertThat(removed.body().has("auth")).isFalse();
            send(hook, "mailto:kim@example.com");
            await().atMost(WAIT).until(() -> receiver.delivered().size() == 4);
            var last = receiver.received().get(receiver.received().size() - 1);
            assertThat(last.header("x-api-key")).isNull();
            assertThat(last.header("authorization")).isNull();

            String log = server.text();
            assertThat(log).as("the capture sees the server's log: each change of credentials is recorded")
                    .contains("sink " + sink + " presents ReceiverCredentials[basic, header Authorization]")
                    .contains("sink " + sink + " presents ReceiverCredentials[header, header X-Api-Key]")
                    .contains("sink " + sink + " presents no credentials");
            for (String secret : secrets) {
                assertThat(shown).as("what the API and the database show").noneMatch(text -> text.contains(secret));
                assertThat(refusals).as("the refusals").noneMatch(reply -> reply.toString().contains(secret));
                assertThat(log).as("the server's log").doesNotContain(secret);
            }
        }
    }

    private AdminApi.Reply patch(String sink, String json) {
        return api.request("PATCH", "/api/sinks/" + sink, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> retryScheduleOf(String sink) {
        List<String> steps = new ArrayList<>();
        api.get("/api/sinks/" + sink).body().path("retrySchedule").forEach(step -> steps.add(step.asText()));
        return steps;
    }

    /** The attempts of the sink's only dead letter, or 0 while it has none. */
    private int deadAttempts(String sink) {
        var dead = api.get("/api/sinks/" + sink + "/dead-letters").body();
        assertThat(dead.size()).isLessThanOrEqualTo(1);
        return dead.isEmpty() ? 0 : dead.get(0).get("attempts").asInt();
    }

    @Test
    void aWebhookSinkNeedsAnHttpUrl() {
        for (String url : List.of("ftp://example.com/x", "/relative", "http://user:pw@example.com/", "not a url")) {
            assertProblem(api.postJson("/api/sinks", Map.of("name", "bad", "channel", "webhook", "url", url)),
                    400, "invalid-request");
        }
        assertProblem(api.postJson("/api/sinks", Map.of("name", "bad", "channel", "webhook")), 400,
                "invalid-request");
    }
}
