package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Provisioning lives in the database and events in durable queues, webhook retries in the delivery ledger: a restart
 * of Payara Micro loses none of them. One restart serves both (each restart of an instance of its own costs two
 * boots). On H2 only: the PostgreSQL stage leaves it out, as bench/crash kills Payara Micro with webhook retries in
 * flight on both databases.
 */
@ExtendWith(ArquillianExtension.class)
@org.tidings.it.micro.OwnPayaraMicro
class WebhookRestartIT {

    private static final String TYPE = "org.example.calendar.EventChanged";
    private static final String APP = "tidings";
    /** Events waiting on tidings.events when Payara Micro starts again, for a JMS sink. */
    private static final int BACKLOG = 500;

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = APP, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    /**
     * Webhook notifications waiting for their retries when Payara Micro stops, and events sent while it is stopped, all
     * reach the receiver after it starts again: in order per subject, each webhook-id answered 2xx (a repeated one
     * would be a duplicate the receiver drops; they are counted), none dead. The receiver fails the first attempt of
     * each notification; the sink's own schedule retries after 2 s, then every 500 ms. A call still in flight when
     * Payara Micro stops (a receiver slower than the consumer's hold: its message was acknowledged, its row is
     * SENDING) is sent again once its lease runs out, with its webhook-id, and before the next of its line; so is a
     * retry in flight (the retry worker's call, on a thread of its own, its row SENDING under a lease).
     */
    // covers LEM-9, S2S-3, CARD-4
    @Test
    void provisioningQueuedEventsAndWebhookRetriesSurviveARestartOfPayaraMicro() {
        var api = new AdminApi(TestEnvironment.baseUrl());
        List<String> subjects = List.of("mailto:ann@example.com", "mailto:bob@example.com",
                "mailto:cy@example.com", "mailto:dee@example.com");
        List<String> schedule = new ArrayList<>(List.of("PT0S", "PT2S"));
        schedule.addAll(Collections.nCopies(10, "PT0.5S"));
        deployer.deploy(APP);
        try (var receiver = new WebhookReceiver((number, ofItsId) -> ofItsId == 1 ? 503 : 200);
                var held = new WebhookReceiver(n -> 200);
                var heldRetry = new WebhookReceiver(n -> n == 1 ? 503 : 200)) {
            String source = Events.uniqueSource();
            api.createSource("mail store", source);
            String heldSource = Events.uniqueSource();
            api.createSource("mail store", heldSource);
            var created = api.postJson("/api/sinks", Map.of("name", "restarted", "channel", "webhook",
                    "url", receiver.url("/hooks"), "retrySchedule", schedule));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String sink = created.body().get("id").asText();
            api.subscribe(sink, Map.of("types", List.of(TYPE), "sources", List.of(source)));

            Map<String, List<String>> sent = new LinkedHashMap<>();
            List<String> heads = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (String subject : subjects) {
                    CloudEvent event = Events.event(source, TYPE, subject);
                    var accepted = api.post("/events", "application/cloudevents+json",
                            Events.json(event).getBytes(StandardCharsets.UTF_8));
                    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
                    sent.computeIfAbsent(subject, s -> new ArrayList<>()).add(event.getId());
                    if (round == 0) {
                        heads.add(event.getId());
                    }
                }
            }
            // Each head's first attempt fails and it is parked for a retry 2 s later: "retrying", then "delivered"
            // with a second attempt. Requiring all four to be "retrying" at one moment needs their first attempts to
            // fall within those 2 s of each other; a head already retried counts as parked too.
            await("the first notification of each subject waits for its retry").atMost(Duration.ofSeconds(30))
                    .until(() -> heads.stream().allMatch(id -> parkedForRetry(api, source, id)));

            // a call in flight when Payara Micro stops: its consumer went on (the next of its line parked behind it),
            // and its answer comes only after the stop
            held.holdAnswers();
            String heldSink = webhookSink(api, "held", held.url("/hooks"), heldSource);
            String heldFirst = sendTo(api, heldSource, "mailto:eve@example.com");
            await().atMost(Duration.ofSeconds(30)).until(() -> held.received().size() == 1);
            String heldSecond = sendTo(api, heldSource, "mailto:eve@example.com");
            await("the second is parked behind the call in flight").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(api.get("/api/sinks/" + heldSink + "/status").body()
                            .get("backlog").asInt()).isEqualTo(2));

            // a retry in flight when Payara Micro stops: the first attempt failed, the retry worker's call is held
            String retrySource = Events.uniqueSource();
            api.createSource("mail store", retrySource);
            // the receiver answers the first attempt (503) and holds its answer to the retry, 3 s after it
            heldRetry.holdAnswersFrom(2);
            String retrySink = webhookSink(api, "held retry", heldRetry.url("/hooks"), retrySource,
                    List.of("PT0S", "PT3S", "PT0.5S"));
            String retryFirst = sendTo(api, retrySource, "mailto:flo@example.com");
            await("the first attempt's failure is recorded").atMost(Duration.ofSeconds(30)).until(() -> api
                    .get("/api/sinks/" + retrySink + "/status").body().hasNonNull("lastFailure"));
            await("its retry is in flight").atMost(Duration.ofSeconds(30))
                    .until(() -> heldRetry.received().size() == 2);
            String retrySecond = sendTo(api, retrySource, "mailto:flo@example.com");
            await("the second is parked behind the retry in flight").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(api.get("/api/sinks/" + retrySink + "/status").body()
                            .get("backlog").asInt()).isEqualTo(2));

            // a JMS route, and its first event delivered before the stop
            var route = api.route("calendar", "calendar sync", TYPE);
            List<String> routed = new ArrayList<>();
            try (var messaging = Messaging.asSource()) {
                routed.add(sendJms(messaging, route.source(), "mailto:ann@example.com"));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> TestEnvironment.messageCount("tidings.sink." + route.sink()) == 1);

            deployer.undeploy(APP);
            TestEnvironment.awaitPayaraStopped();
            held.answerHeld();
            heldRetry.answerHeld();
            // A backlog waiting at start: the adapter may deliver it before the matching index is loaded, and an
            // event matched against an index not loaded yet would be acknowledged with nothing forwarded.
            try (var messaging = Messaging.asSource()) {
                for (int i = 0; i < BACKLOG; i++) {
                    routed.add(sendJms(messaging, route.source(), "mailto:user" + i + "@example.com"));
                }
            }
            try (var messaging = Messaging.asSource()) {
                for (int round = 0; round < 2; round++) {
                    for (String subject : subjects) {
                        CloudEvent event = Events.event(source, TYPE, subject);
                        // a JMS source keeps its events' order per subject by grouping them so (README)
                        messaging.sendText("tidings.events", Events.json(event), subject);
                        sent.get(subject).add(event.getId());
                    }
                }
            }
            int events = sent.values().stream().mapToInt(List::size).sum();

            deployer.deploy(APP);
            assertRouteSurvived(api, route, routed);
            await("every notification is delivered").atMost(Duration.ofSeconds(120)).until(() -> receiver.delivered()
                    .stream().map(r -> r.header("webhook-id")).distinct().count() == events);

            Map<String, String> eventOfWebhookId = new LinkedHashMap<>();
            Map<String, List<String>> delivered = new LinkedHashMap<>();
            for (var received : receiver.delivered()) {
                CloudEvent event = Events.parse(new String(received.body(), StandardCharsets.UTF_8));
                String before = eventOfWebhookId.putIfAbsent(received.header("webhook-id"), event.getId());
                if (before == null) {
                    delivered.computeIfAbsent(event.getSubject(), s -> new ArrayList<>()).add(event.getId());
                } else {
                    assertThat(before).as("a repeated webhook-id is the same notification").isEqualTo(event.getId());
                }
            }
            int duplicates = receiver.delivered().size() - eventOfWebhookId.size();
            System.out.println("RestartIT: " + events + " webhook notifications, duplicate_webhook_ids=" + duplicates);
            assertThat(delivered).as("each once, in the order sent, per subject").isEqualTo(sent);

            // the calls in flight at the stop, a first attempt and a retry: sent again after the restart (once the
            // row's lease ran out, or at once if the stop recorded the interrupted call as a failed attempt), with
            // the webhook-id, before the one behind it
            assertSentAgainBeforeTheNext(api, heldSink, held, heldFirst, heldSecond, 1);
            assertSentAgainBeforeTheNext(api, retrySink, heldRetry, retryFirst, retrySecond, 2);
            // the receiver counts a request before it answers; the ledger records it after the answer, so the last
            // one's record may still be on its way
            await("the ledger records every delivery").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var status = api.get("/api/sinks/" + sink + "/status").body();
                assertThat(status.get("dead").asInt()).isZero();
                assertThat(status.get("backlog").asInt()).isZero();
                assertThat(status.get("delivered").asInt()).isEqualTo(events);
            });
        } finally {
            deployer.undeploy(APP);
        }
    }

    /** The route's provisioning is as it was, and its sink gets every event sent to it, before the stop and during it. */
    private static void assertRouteSurvived(AdminApi api, AdminApi.Route route, List<String> expected) {
        var stored = api.get("/api/subscriptions/" + route.subscription());
        assertThat(stored.status()).isEqualTo(200);
        assertThat(stored.body().get("sinkId").asText()).isEqualTo(route.sink());
        assertThat(api.getAll("/api/sources").findValuesAsText("uri")).contains(route.source());
        try (var messaging = Messaging.asApp()) {
            String queue = "tidings.sink." + route.sink();
            List<String> received = new ArrayList<>();
            for (var message = messaging.receive(queue, null, 60_000); message != null;
                    message = received.size() == expected.size() ? null : messaging.receive(queue, null, 60_000)) {
                received.add(Events.parse(Messaging.text(message)).getId());
            }
            assertThat(received).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(messaging.browse(queue)).isEmpty();
        }
    }

    /** An event of TYPE from {@code source} about {@code subject}, sent to tidings.events as a source does; its id. */
    private static String sendJms(Messaging messaging, String source, String subject) {
        CloudEvent event = Events.event(source, TYPE, subject);
        messaging.sendText("tidings.events", Events.json(event));
        return event.getId();
    }

    /**
     * The sink's first notification, whose call {@code before} earlier requests preceded and was in flight at the stop,
     * is sent again under its webhook-id and delivered before the second, and both are delivered.
     */
    private static void assertSentAgainBeforeTheNext(AdminApi api, String sink, WebhookReceiver receiver, String first,
            String second, int before) {
        await("the call in flight at the stop is sent again").atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            var status = api.get("/api/sinks/" + sink + "/status").body();
            assertThat(status.get("delivered").asInt()).isEqualTo(2);
            assertThat(status.get("backlog").asInt()).isZero();
        });
        List<String> ids = receiver.received().stream().map(r -> Events.parse(new String(r.body(),
                StandardCharsets.UTF_8)).getId()).toList();
        assertThat(ids).as("the first again before the second, nothing else")
                .startsWith(Collections.nCopies(before + 1, first).toArray(String[]::new))
                .containsOnly(first, second);
        assertThat(receiver.received().stream().filter(r -> Events.parse(new String(r.body(),
                StandardCharsets.UTF_8)).getId().equals(first)).map(r -> r.header("webhook-id")).distinct())
                .as("sent again under its webhook-id").hasSize(1);
    }

    /** A webhook sink with a read timeout longer than the test, subscribed to the source's events of TYPE. */
    private static String webhookSink(AdminApi api, String name, String url, String source) {
        return webhookSink(api, name, url, source, null);
    }

    /** The same, with its own retry schedule if {@code schedule} is given. */
    private static String webhookSink(AdminApi api, String name, String url, String source, List<String> schedule) {
        var body = new LinkedHashMap<String, Object>(Map.of("name", name, "channel", "webhook", "url", url,
                "readTimeoutMs", 60_000));
        if (schedule != null) {
            body.put("retrySchedule", schedule);
        }
        var created = api.postJson("/api/sinks", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String sink = created.body().get("id").asText();
        api.subscribe(sink, Map.of("types", List.of(TYPE), "sources", List.of(source)));
        return sink;
    }

    private static String sendTo(AdminApi api, String source, String subject) {
        CloudEvent event = Events.event(source, TYPE, subject);
        var accepted = api.post("/events", "application/cloudevents+json",
                Events.json(event).getBytes(StandardCharsets.UTF_8));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return event.getId();
    }

    /** Its first attempt failed and was recorded: waiting for its retry, or already delivered by one. */
    private static boolean parkedForRetry(AdminApi api, String source, String eventId) {
        var delivery = api.get("/api/deliveries?source=" + source + "&id=" + eventId).body().path(0);
        String status = delivery.path("status").asText();
        // retrying with no attempt is a claim given up after a failed forward (docs/adr/0012), not a recorded failure
        return "retrying".equals(status) && delivery.path("attempts").asInt() >= 1
                || "delivered".equals(status) && delivery.path("attempts").asInt() >= 2;
    }
}
