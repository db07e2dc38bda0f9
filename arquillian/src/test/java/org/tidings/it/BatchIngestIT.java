package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tidings.it.PipelineIT.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import jakarta.jms.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LEM-11 and S2S-3: a batch of events in the CloudEvents batched content mode, one POST. Each event is judged as it
 * would be alone and answered by its place in the batch; those accepted are queued together, delivered byte for byte
 * and once, a retried batch included; a batch that is wrong as a whole is refused whole, and nothing of it queued.
 */
@ExtendWith(ArquillianExtension.class)
class BatchIngestIT {

    private static final String NEW_MAIL = "org.example.mail.MessageNew";
    private static final String BATCH = "application/cloudevents-batch+json";
    private static final long WAIT = 30_000;

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    // covers LEM-11, S2S-3, S2S-8d, S2S-14
    @Test
    void eachEventOfABatchIsAnsweredByItsPlaceAndTheAcceptedOnesAreDeliveredByteForByteOnce() {
        var route = api.route("mail store", "batched", NEW_MAIL);
        String bare = Events.uniqueSource();
        String bareId = api.createBareSource("typed store", bare);
        assertThat(api.postJson("/api/grants", Map.of("principalKind", "source", "principalId", bareId, "kind", "send",
                "typePrefixes", List.of(NEW_MAIL))).status()).isEqualTo(201);
        assertThat(api.postJson("/api/grants", Map.of("principalKind", "source", "principalId", bareId, "kind", "route",
                "all", true)).status()).isEqualTo(201);
        String exact = "{ \"specversion\" : \"1.0\", \"id\":\"" + UUID.randomUUID() + "\",\"source\":\""
                + route.source() + "\",\"type\":\"" + NEW_MAIL + "\",\"subject\":\"mailto:ann@example.com\","
                + "\"data\":{\"price\":1.10,\"huge\":1e400,\"name\":\"Zo\\u00eb Zoë 😀 \\ud83d\\ude00 ]}\"} }";
        CloudEvent second = Events.event(route.source(), NEW_MAIL, "mailto:zoë@exämple.org");
        CloudEvent stranger = Events.event("https://stranger.example.net/", NEW_MAIL, "mailto:ann@example.com");
        CloudEvent ungranted = Events.event(bare, "org.example.mail.QuotaExceed", "mailto:ann@example.com");
        String noType = "{\"specversion\":\"1.0\",\"id\":\"x1\",\"source\":\"" + route.source() + "\"}";
        long queuedBefore = TestEnvironment.messagesAdded("tidings.events");

        // the first event's subject is not ASCII, so the one after it starts at another byte than character
        var reply = api.post("/events", BATCH, utf8("[\n  " + Events.json(second) + ",\n  42,\n  "
                + Events.json(stranger) + ", " + exact + "," + Events.json(ungranted) + ", " + noType + ",\n" + exact
                + "]"));

        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        assertThat(reply.body().path("accepted").asInt()).isEqualTo(3);
        assertThat(reply.body().path("refused").asInt()).isEqualTo(4);
        JsonNode events = reply.body().path("events");
        assertThat(events).hasSize(7);
        assertOutcome(events.get(0), 0, "accepted", null);
        assertThat(events.get(0).path("id").asText()).isEqualTo(second.getId());
        assertThat(events.get(0).path("source").asText()).isEqualTo(route.source());
        assertOutcome(events.get(1), 1, "refused", "malformed-event");
        assertOutcome(events.get(2), 2, "refused", "unknown-source");
        assertThat(events.get(2).path("id").asText()).isEqualTo(stranger.getId());
        assertOutcome(events.get(3), 3, "accepted", null);
        assertThat(events.get(3).path("id").asText()).isEqualTo(idOf(exact));
        assertOutcome(events.get(4), 4, "refused", "type-not-granted");
        assertOutcome(events.get(5), 5, "refused", "malformed-event");
        assertOutcome(events.get(6), 6, "accepted", null);
        assertThat(events.get(6).path("id").asText()).as("the repeat of the first").isEqualTo(idOf(exact));
        assertThat(TestEnvironment.messagesAdded("tidings.events")).as("two events queued, the repeat not")
                .isEqualTo(queuedBefore + 2);

        try (var app = Messaging.asApp()) {
            String sink = "tidings.sink." + route.sink();
            Message first = app.receive(sink, "tidings_event_id = '" + idOf(exact) + "'", WAIT);
            assertThat(Messaging.text(first)).as("the event's own bytes, from the middle of the batch").isEqualTo(exact);
            Message other = app.receive(sink, "tidings_event_id = '" + second.getId() + "'", WAIT);
            assertThat(Events.parse(Messaging.text(other)).getSubject()).isEqualTo("mailto:zoë@exämple.org");
            assertThat(app.browse(sink)).as("nothing more").isEmpty();
        }
    }

    // covers LEM-11, S2S-3, S2S-8c, LEM-9
    @Test
    void aRetriedBatchIsAcceptedAgainAndEachOfItsEventsDeliveredOnce() {
        var route = api.route("mail store", "batched twice", NEW_MAIL);
        String subject = "mailto:retry@example.com"; // one message group: once the last is through, so is all before it
        List<CloudEvent> first = IntStream.range(0, 20).mapToObj(i -> Events.event(route.source(), NEW_MAIL, subject))
                .toList();
        List<CloudEvent> overlapping = new ArrayList<>(first.subList(10, 20));
        IntStream.range(0, 5).forEach(i -> overlapping.add(Events.event(route.source(), NEW_MAIL, subject)));

        for (List<CloudEvent> batch : List.of(first, first, overlapping)) {
            var reply = api.post("/events", BATCH, batchOf(batch));
            assertThat(reply.status()).as("%s", reply).isEqualTo(200);
            assertThat(reply.body().path("accepted").asInt()).isEqualTo(batch.size());
            assertThat(reply.body().path("refused").asInt()).isZero();
            assertThat(ids(reply.body().path("events"))).containsExactlyElementsOf(
                    batch.stream().map(CloudEvent::getId).toList());
        }

        List<String> sent = new ArrayList<>(first.stream().map(CloudEvent::getId).toList());
        overlapping.subList(10, 15).forEach(event -> sent.add(event.getId()));
        try (var app = Messaging.asApp()) {
            String sink = "tidings.sink." + route.sink();
            List<Message> delivered = app.receive(sink, sent.size(), WAIT);
            assertThat(delivered).extracting(message -> Messaging.property(message, "tidings_event_id"))
                    .as("each once, in the order of the batches").containsExactlyElementsOf(sent);
            assertThat(app.receive(sink, null, 1000)).as("nothing more").isNull();
        }
    }

    // covers LEM-11, S2S-9, S2S-14
    @Test
    void aSourcesTokenSendsItsOwnEventsOfABatchAndNoOneElsesProvisionedOrNot() {
        String own = Events.uniqueSource();
        String ownId = api.createSource("own store", own);
        String other = Events.uniqueSource();
        api.createSource("other store", other);
        String sink = api.createJmsSink("both stores");
        api.subscribe(sink, Map.of("types", List.of(NEW_MAIL), "sources", List.of(own, other)));
        AdminApi asSource = api.withToken(api.issueToken("sources", ownId));
        CloudEvent mine = Events.event(own, NEW_MAIL, "mailto:own@example.com");
        CloudEvent forged = Events.event(other, NEW_MAIL, "mailto:own@example.com");
        CloudEvent unprovisioned = Events.event(Events.uniqueSource(), NEW_MAIL, "mailto:own@example.com");

        var reply = asSource.post("/events", BATCH, batchOf(List.of(forged, unprovisioned, mine)));

        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        assertOutcome(reply.body().path("events").get(0), 0, "refused", "forged-source");
        // not unknown-source: a source's token learns nothing of which other sources exist
        assertOutcome(reply.body().path("events").get(1), 1, "refused", "forged-source");
        assertOutcome(reply.body().path("events").get(2), 2, "accepted", null);
        try (var app = Messaging.asApp()) {
            Message only = app.receive("tidings.sink." + sink, null, WAIT);
            assertThat(Messaging.property(only, "tidings_event_id")).isEqualTo(mine.getId());
            assertThat(app.receive("tidings.sink." + sink, null, 1000)).as("nothing more").isNull();
        }
    }

    /**
     * A source over its rate quota or at its cap on queued events is refused event by event, from the first one over
     * on (so that what is accepted of it is a prefix of what it sent), while the batch's other events are accepted. The
     * batch also holds an event accepted before: Artemis then reports the transaction as a duplicate, hiding the cap's
     * refusal, and the batch is committed in parts.
     */
    // covers LEM-11, RUP-17, LEM-8, S2S-3
    @Test
    void aSourceOverItsQuotaOrCapIsRefusedFromThereOnAndTheOtherEventsOfTheBatchAreAccepted() throws Exception {
        String rated = Events.uniqueSource();
        String ratedId = api.createSource("slow store", rated);
        String capped = Events.uniqueSource();
        String cappedId = api.createSource("capped store", capped);
        String other = Events.uniqueSource();
        api.createSource("other store", other);
        String sink = api.createJmsSink("three stores");
        api.subscribe(sink, Map.of("types", List.of(NEW_MAIL), "sources", List.of(rated, capped, other)));
        assertThat(api.putJson("/api/sources/" + ratedId + "/quota", Map.of("eventsPerSecond", 0.01, "burst", 2))
                .status()).isEqualTo(200);
        assertThat(api.putJson("/api/sources/" + cappedId + "/quota", Map.of("maxQueued", 2)).status()).isEqualTo(200);
        CloudEvent before = Events.event(other, NEW_MAIL, "mailto:old@example.com");
        assertThat(api.post("/events", "application/cloudevents+json", utf8(Events.json(before))).status())
                .isEqualTo(202);
        List<CloudEvent> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batch.add(Events.event(rated, NEW_MAIL, "mailto:rated@example.com"));
            batch.add(Events.event(capped, NEW_MAIL, "mailto:capped@example.com"));
        }
        batch.add(Events.event(other, NEW_MAIL, "mailto:other@example.com"));
        batch.add(before);

        AdminApi.Reply reply;
        try (var held = TestEnvironment.paused("tidings.events")) { // the capped source's events stay queued
            reply = api.post("/events", BATCH, batchOf(batch));
        }

        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        JsonNode events = reply.body().path("events");
        for (int i = 0; i < 8; i += 2) {
            assertOutcome(events.get(i), i, i < 4 ? "accepted" : "refused", i < 4 ? null : "rate-limited");
            assertOutcome(events.get(i + 1), i + 1, i < 4 ? "accepted" : "refused", i < 4 ? null : "rate-limited");
        }
        assertThat(events.get(4).path("retryAfterSeconds").asLong()).as("its own rate").isBetween(90L, 100L);
        assertThat(events.get(5).path("retryAfterSeconds").asLong()).as("its cap").isEqualTo(1L);
        assertOutcome(events.get(8), 8, "accepted", null);
        assertOutcome(events.get(9), 9, "accepted", null);
        assertThat(reply.body().path("accepted").asInt()).isEqualTo(6);

        List<String> accepted = List.of(before.getId(), batch.get(0).getId(), batch.get(1).getId(),
                batch.get(2).getId(), batch.get(3).getId(), batch.get(8).getId());
        try (var app = Messaging.asApp()) {
            String queue = "tidings.sink." + sink;
            assertThat(app.receive(queue, accepted.size(), WAIT)).as("each once, the one accepted before too")
                    .extracting(message ->
                    Messaging.property(message, "tidings_event_id")).containsExactlyInAnyOrderElementsOf(accepted);
            assertThat(app.receive(queue, null, 1000)).as("nothing more").isNull();
        }
    }

    // covers LEM-11, S2S-12, S2S-14
    @Test
    void aBatchThatIsWrongAsAWholeIsRefusedWholeAndNothingOfItIsQueued() {
        var route = api.route("mail store", "refused batches", NEW_MAIL);
        String good = Events.json(Events.event(route.source(), NEW_MAIL, "mailto:ann@example.com"));
        long queuedBefore = TestEnvironment.messagesAdded("tidings.events");

        assertProblem(api.post("/events", BATCH, utf8(good)), 400, "malformed-json");
        assertProblem(api.post("/events", BATCH, utf8("[" + good + ",")), 400, "malformed-json");
        assertProblem(api.post("/events", BATCH, utf8("[" + good + "] []")), 400, "malformed-json");
        assertProblem(api.post("/events", BATCH, ("[" + good + ",\"\u00ff\"]").getBytes(StandardCharsets.ISO_8859_1)),
                400, "invalid-encoding");
        assertProblem(api.post("/events", BATCH + "; charset=iso-8859-1", utf8("[" + good + "]")),
                415, "unsupported-media-type");
        assertProblem(api.post("/events", BATCH, utf8("[" + good + "," + "{},".repeat(1000) + "{}]")), 413,
                "request-too-large");
        byte[] huge = utf8("[" + good + ",{\"data\":\"" + "x".repeat(1 << 20) + "\"}]");
        assertProblem(api.post("/events", BATCH, huge), 413, "request-too-large");
        assertProblem(api.withToken(null).post("/events", BATCH, utf8("[" + good + "]")), 401, "unauthenticated");

        assertThat(TestEnvironment.messagesAdded("tidings.events")).as("nothing of a refused batch was queued")
                .isEqualTo(queuedBefore);
        var empty = api.post("/events", BATCH, utf8("[]"));
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.body().path("accepted").asInt()).isZero();
        assertThat(empty.body().path("events")).isEmpty();
    }

    private static void assertOutcome(JsonNode outcome, int index, String status, String code) {
        assertThat(outcome.path("index").asInt()).as("%s", outcome).isEqualTo(index);
        assertThat(outcome.path("status").asText()).as("%s", outcome).isEqualTo(status);
        if (code == null) {
            assertThat(outcome.has("code")).as("%s", outcome).isFalse();
        } else {
            assertThat(outcome.path("code").asText()).as("%s", outcome).isEqualTo(code);
            assertThat(outcome.path("detail").asText()).as("%s", outcome).isNotBlank();
        }
    }

    private static List<String> ids(JsonNode events) {
        List<String> ids = new ArrayList<>();
        events.forEach(event -> ids.add(event.path("id").asText()));
        return ids;
    }

    private static byte[] batchOf(List<CloudEvent> events) {
        return utf8(events.stream().map(Events::json).collect(Collectors.joining(",", "[", "]")));
    }

    private static String idOf(String json) {
        return Events.parse(json).getId();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
