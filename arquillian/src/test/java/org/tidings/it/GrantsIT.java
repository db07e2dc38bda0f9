package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The three checks of S2S-11 on the real stack (docs/adr/0022): (b) what types a source may send and (c) what
 * subjects it may route, refused before matching over HTTP (403) and on the broker (a rejection record with the same
 * code); (a) what a subscriber may see, on every match; and revocation, at once on the instance that revokes and
 * within a second on another.
 */
@ExtendWith(ArquillianExtension.class)
class GrantsIT {

    private static final String NEW_MAIL = "org.example.mail.MessageNew";
    private static final String LOGIN = "org.example.presence.Login";
    private static final String CE = "application/cloudevents+json";
    private static final long WAIT = 30_000;

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    // covers S2S-11, S2S-9
    @Test
    void aSourceSendsOnlyGrantedTypesAboutGrantedSubjectsOverHttpAndOverTheBroker() throws Exception {
        String uri = Events.uniqueSource();
        String source = api.createBareSource("granted store", uri);
        String sink = api.createJmsSink("granted sink");
        api.subscribe(sink, Map.of("sources", List.of(uri)));

        assertThat(post(uri, NEW_MAIL, "mailto:ann@example.com").code()).as("no grant at all")
                .isEqualTo("type-not-granted");
        grant("source", source, "send", Map.of("typePrefixes", List.of("org.example.mail")));
        assertThat(post(uri, NEW_MAIL, "mailto:ann@example.com").code()).as("type granted, no route grant")
                .isEqualTo("subject-not-granted");
        grant("source", source, "route", Map.of("subjectDomains", List.of("example.com")));

        AdminApi.Reply allowed = post(uri, NEW_MAIL, "mailto:ann@example.com");
        assertThat(allowed.status()).as("%s", allowed).isEqualTo(202);
        assertThat(post(uri, LOGIN, "mailto:ann@example.com").code()).isEqualTo("type-not-granted");
        assertThat(post(uri, NEW_MAIL, "mailto:ann@example.org").code()).isEqualTo("subject-not-granted");
        CloudEvent twoUris = CloudEventBuilder.v1(Events.event(uri, NEW_MAIL, "mailto:ann@example.com"))
                .withExtension("tidingsuris", "mailto:bob@example.com mailto:eve@evil.example").build();
        assertThat(api.post("/events", CE, Events.json(twoUris).getBytes(StandardCharsets.UTF_8)).code())
                .as("every URI of the event must be granted").isEqualTo("subject-not-granted");

        try (var amqp = Messaging.asAmqpSource(); var app = Messaging.asApp()) {
            String run = UUID.randomUUID().toString();
            CloudEvent refused = Events.event(uri, LOGIN, "mailto:ann@example.com");
            amqp.send("tidings.events", jms -> {
                Message message = jms.createTextMessage(Events.json(refused));
                message.setJMSCorrelationID(run);
                return message;
            });
            Message record = app.receive("tidings.rejected", "JMSCorrelationID = '" + run + "'", WAIT);
            assertThat(record).as("rejection record").isNotNull();
            assertThat(Messaging.property(record, "tidings_code")).isEqualTo("type-not-granted");

            Message delivered = app.receive("tidings.sink." + sink, null, WAIT);
            assertThat(delivered).isNotNull();
            assertThat(Messaging.property(delivered, "tidings_event_id")).isEqualTo(allowed.body().get("id").asText());
            assertThat(app.receive("tidings.sink." + sink, null, 1000)).as("only the granted event").isNull();
        }
    }

    /**
     * An event answered 202 is accepted (docs/adr/0017): a send grant revoked before a consumer takes the event from
     * tidings.events does not make it a rejection record, which its HTTP sender could not see and whose resend the
     * broker would drop by its duplicate id. The same holds for an instance whose views lag the one that answered.
     */
    // covers S2S-11, S2S-3
    @Test
    void anEventAcceptedOverHttpIsDeliveredEvenIfItsSendGrantIsRevokedBeforeItIsProcessed() throws Exception {
        String uri = Events.uniqueSource();
        String source = api.createBareSource("revoked after the 202", uri);
        String sink = api.createJmsSink("accepted before the revocation");
        api.subscribe(sink, Map.of("sources", List.of(uri)));
        String send = grant("source", source, "send", Map.of("typePrefixes", List.of("org.example.mail")));
        grant("source", source, "route", Map.of("subjectDomains", List.of("example.com")));

        AdminApi.Reply accepted;
        try (var held = TestEnvironment.paused("tidings.events")) {
            accepted = post(uri, NEW_MAIL, "mailto:ann@example.com");
            assertThat(accepted.status()).as("%s", accepted).isEqualTo(202);
            assertThat(api.delete("/api/grants/" + send).status()).isEqualTo(204);
            assertThat(post(uri, NEW_MAIL, "mailto:ann@example.com").code()).as("a POST after the revocation")
                    .isEqualTo("type-not-granted");
        }
        try (var app = Messaging.asApp()) {
            Message delivered = app.receive("tidings.sink." + sink, null, WAIT);
            assertThat(delivered).as("the event accepted before the revocation").isNotNull();
            assertThat(Messaging.property(delivered, "tidings_event_id")).isEqualTo(accepted.body().get("id").asText());
        }
    }

    // covers S2S-11
    @Test
    void aSubscriberSeesOnlyGrantedSubjectsAndCannotSubscribeBeyondThem() {
        String uri = Events.uniqueSource();
        api.createSource("store for ann", uri);
        String ann = created(api.postJson("/api/subscribers", Map.of("name", "ann " + UUID.randomUUID())));
        AdminApi asAnn = api.withToken(api.issueToken("subscribers", ann));
        String sink = created(asAnn.postJson("/api/sinks", Map.of("name", "ann's pull", "channel", "pull")));

        AdminApi.Reply beyond = asAnn.postJson("/api/subscriptions", Map.of("sinkId", sink,
                "filter", Map.of("types", List.of(NEW_MAIL))));
        assertThat(beyond.status()).isEqualTo(403);
        assertThat(beyond.code()).isEqualTo("not-authorized");
        String see = grant("subscriber", ann, "see", Map.of("subjectPrefixes", List.of("https://ann.example/")));
        String subscription = created(asAnn.postJson("/api/subscriptions", Map.of("sinkId", sink,
                "filter", Map.of("subjectPrefixes", List.of("https://ann.example/")))));
        AdminApi.Reply widened = asAnn.putJson("/api/subscriptions/" + subscription, Map.of("filter",
                Map.of("subjectPrefixes", List.of("https://ann.example/", "https://bob.example/"))));
        assertThat(widened.code()).as("widening beyond the grant").isEqualTo("not-authorized");

        AdminApi.Reply adminBeyond = api.postJson("/api/subscriptions", Map.of("sinkId", sink,
                "filter", Map.of("subjectPrefixes", List.of("https://"))));
        assertThat(adminBeyond.code()).as("an administrator subscribing ann's sink is held to her grants too")
                .isEqualTo("not-authorized");

        send(uri, "https://ann.example/inbox/1");
        // matched by her subscription (its subject is hers), but also about a URI she may not see: not delivered
        CloudEvent alsoAboutBob = CloudEventBuilder.v1(Events.event(uri, NEW_MAIL, "https://ann.example/inbox/2"))
                .withExtension("tidingsuris", "https://bob.example/secret").build();
        assertThat(api.post("/events", CE, Events.json(alsoAboutBob).getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(202);
        // the marker has the same subject, so the same ordering key: once it is in, the one before was judged
        send(uri, "https://ann.example/inbox/2");
        await().atMost(Duration.ofMillis(WAIT)).until(() -> feed(asAnn, subscription).size() >= 2);
        assertThat(feed(asAnn, subscription)).containsExactlyInAnyOrder("https://ann.example/inbox/1",
                "https://ann.example/inbox/2");

        // revoked: the next event is not seen any more, on this instance, from the moment the DELETE answered
        assertThat(api.delete("/api/grants/" + see).status()).isEqualTo(204);
        // no grant covers inbox/3 any more, before or after the marker's grant: it can never be delivered
        send(uri, "https://ann.example/inbox/3");
        grant("subscriber", ann, "see", Map.of("subjects", List.of("https://ann.example/inbox/4")));
        send(uri, "https://ann.example/inbox/4");
        await().atMost(Duration.ofMillis(WAIT)).until(() -> feed(asAnn, subscription).size() >= 3);
        // what her feed held before is withheld now: no grant of hers covers inbox/1 or inbox/2 any more
        assertThat(feed(asAnn, subscription)).containsExactly("withheld: not-authorized", "withheld: not-authorized",
                "https://ann.example/inbox/4");
        // A pull sink's dead letters are notifications no grant of its subscriber covered when they were dispatched
        // (a revocation between the match and the dispatch): nothing sends them, so a redrive is refused, where it
        // was answered 200 for rows that died again at once
        long dead = api.get("/api/sinks/" + sink + "/dead-letters").body().size();
        PipelineIT.assertProblem(api.postJson("/api/sinks/" + sink + "/dead-letters/redrive", Map.of()), 409,
                "conflict");
        PipelineIT.assertProblem(asAnn.postJson("/api/sinks/" + sink + "/dead-letters/msg_0/redrive", Map.of()), 409,
                "conflict");
        assertThat(api.get("/api/sinks/" + sink + "/dead-letters").body()).hasSize((int) dead);
    }

    // covers S2S-11
    @Test
    void aRevokedSeeGrantStopsWhatWasMatchedBeforeAndStillWaitsForItsSink() {
        String uri = Events.uniqueSource();
        api.createSource("late store", uri);
        String ann = created(api.postJson("/api/subscribers", Map.of("name", "ann " + UUID.randomUUID())));
        AdminApi asAnn = api.withToken(api.issueToken("subscribers", ann));
        String see = grant("subscriber", ann, "see", Map.of("subjectPrefixes", List.of("https://ann.example/")));
        try (var receiver = new WebhookReceiver(n -> 410)) {
            String sink = created(asAnn.postJson("/api/sinks", Map.of("name", "ann's hook", "channel", "webhook",
                    "url", receiver.url("/hook"))));
            created(asAnn.postJson("/api/subscriptions", Map.of("sinkId", sink,
                    "filter", Map.of("subjectPrefixes", List.of("https://ann.example/")))));
            send(uri, "https://ann.example/late/1"); // answered 410: the sink is disabled, the notification waits
            await().atMost(Duration.ofMillis(WAIT)).until(() -> !asAnn.get("/api/sinks/" + sink).body()
                    .get("enabled").asBoolean());
            send(uri, "https://ann.example/late/1"); // waits behind it, matched while the grant held
            await().atMost(Duration.ofMillis(WAIT)).until(() -> asAnn.get("/api/sinks/" + sink + "/status").body()
                    .get("backlog").asInt() == 2);

            assertThat(api.delete("/api/grants/" + see).status()).isEqualTo(204);
            receiver.answer(n -> 200);
            assertThat(asAnn.postJson("/api/sinks/" + sink + "/enable", Map.of()).status()).isEqualTo(200);
            await().atMost(Duration.ofMillis(WAIT)).until(() -> asAnn.get("/api/sinks/" + sink + "/dead-letters")
                    .body().size() == 2);
            asAnn.get("/api/sinks/" + sink + "/dead-letters").body().forEach(letter -> {
                assertThat(letter.get("lastAnswer").asText()).contains("no longer cover");
                // what her grants no longer cover is not shown to her, as her pull feed would withhold it
                assertThat(letter.hasNonNull("subject")).as(letter.toString()).isFalse();
                assertThat(letter.hasNonNull("eventSource")).isFalse();
                assertThat(letter.hasNonNull("eventId")).isFalse();
            });
            assertThat(asAnn.get("/api/sinks/" + sink + "/dead-letters?subject=https://ann.example/late/1").body())
                    .as("asking for a subject she may not see tells her nothing").isEmpty();
            assertThat(api.get("/api/sinks/" + sink + "/dead-letters?subject=https://ann.example/late/1").body())
                    .as("an administrator sees them whole").hasSize(2)
                    .allSatisfy(letter -> assertThat(letter.get("subject").asText()).isEqualTo("https://ann.example/late/1"));
            assertThat(receiver.delivered()).as("nothing reached the receiver after the revocation").isEmpty();
            assertThat(receiver.received()).hasSize(1);
        }
    }

    // covers S2S-11, LEM-8
    @Test
    void aRevokedSeeGrantTakesBackWhatWaitsOnItsJmsSinkQueueAndWithholdsItsFeedEntries() throws Exception {
        String uri = Events.uniqueSource();
        api.createSource("store for cy", uri);
        String cy = created(api.postJson("/api/subscribers", Map.of("name", "cy " + UUID.randomUUID())));
        String token = api.issueToken("subscribers", cy);
        AdminApi asCy = api.withToken(token);
        String wide = grant("subscriber", cy, "see", Map.of("subjectPrefixes", List.of("https://cy.example/")));
        grant("subscriber", cy, "see", Map.of("subjects", List.of("https://cy.example/kept")));
        String queued = created(asCy.postJson("/api/sinks", Map.of("name", "cy's queue", "channel", "jms")));
        String pulled = created(asCy.postJson("/api/sinks", Map.of("name", "cy's feed", "channel", "pull")));
        Map<String, Object> filter = Map.of("subjectPrefixes", List.of("https://cy.example/"));
        created(asCy.postJson("/api/subscriptions", Map.of("sinkId", queued, "filter", filter)));
        String feed = created(asCy.postJson("/api/subscriptions", Map.of("sinkId", pulled, "filter", filter)));
        send(uri, "https://cy.example/gone/1");
        send(uri, "https://cy.example/kept");
        send(uri, "https://cy.example/gone/2");
        String queue = "tidings.sink." + queued;
        await().atMost(Duration.ofMillis(WAIT)).until(() -> TestEnvironment.messageCount(queue) == 3
                && feed(asCy, feed).size() == 3);

        assertThat(api.delete("/api/grants/" + wide).status()).isEqualTo(204);
        // nobody consumed them: what the queue holds that cy may no longer see is taken back, the rest stays
        await().atMost(Duration.ofMillis(WAIT)).until(() -> TestEnvironment.messageCount(queue) == 1);
        try (var app = Messaging.asApp()) {
            Message left = app.receive(queue, null, WAIT);
            assertThat(left).isNotNull();
            assertThat(Events.parse(Messaging.text(left)).getSubject()).isEqualTo("https://cy.example/kept");
        }
        // the feed keeps every place, so its sequence shows no gap; what cy may no longer see is withheld, with a code
        // (three subjects, three lines: their order in the feed is the order they were appended in)
        assertThat(feed(asCy, feed)).containsExactlyInAnyOrder("withheld: not-authorized", "https://cy.example/kept",
                "withheld: not-authorized");
        List<String> expected = new ArrayList<>();
        long seq = 0;
        for (JsonNode n : asCy.get("/api/subscriptions/" + feed + "/notifications?after=0").body().path("notifications")) {
            assertThat(n.get("seq").asLong()).as("gap-free").isEqualTo(++seq);
            assertThat(n.get("id").asText()).startsWith("msg_");
            if (n.has("withheld")) {
                assertThat(n.has("event")).as("no part of the event").isFalse();
                expected.add(seq + " withheld {\"seq\":" + seq + ",\"id\":\"" + n.get("id").asText()
                        + "\",\"withheld\":\"not-authorized\"}");
            } else {
                expected.add(seq + " notification " + n.path("event").path("subject").asText());
            }
        }
        // the same as server-sent events: every id, the withheld ones under their own event name
        assertThat(streamed(token, feed, 3)).containsExactlyElementsOf(expected);
    }

    /**
     * The sweeps after the first (docs/adr/0022). The second, {@code SinkQueueSweep.AGAIN_SECONDS} after the first, takes
     * back what reached the queue in between: a notification matched under the old grants and forwarded late (by an
     * event in the middle of matching, or by an instance that had not yet heard of the revocation), which the test puts
     * there as Tidings' account would. It then settles the sweep the revocation owed. A sweep still owed a minute after
     * it was due (its instance stopped between the commit and the sweep: the test writes such a record) is made by the
     * recovery run.
     */
    // covers S2S-11
    @Test
    void whatIsForwardedAfterTheFirstSweepIsTakenBackByTheSecondOrByTheRecoveryOfAnOwedSweep() throws Exception {
        var eve = revocable("eve");
        String queue = eve.queue();
        send(eve.source(), "https://eve.example/gone");
        send(eve.source(), "https://eve.example/kept");
        await().atMost(Duration.ofMillis(WAIT)).until(() -> TestEnvironment.messageCount(queue) == 2);

        assertThat(api.delete("/api/grants/" + eve.wideGrant()).status()).isEqualTo(204);
        assertThat(sweepsOwed(eve.subscriber())).as("recorded with the revocation").isEqualTo(1);
        await("the first sweep").atMost(Duration.ofMillis(WAIT)).until(() -> TestEnvironment.messageCount(queue) == 1);
        forwardedLate(eve.source(), queue, "https://eve.example/gone/late");
        await("the second sweep").atMost(Duration.ofMillis(WAIT))
                .until(() -> TestEnvironment.messageCount(queue) == 1 && sweepsOwed(eve.subscriber()) == 0);

        // an instance that revoked and stopped before it swept left this record, due two minutes ago
        forwardedLate(eve.source(), queue, "https://eve.example/gone/later");
        try (var db = TestEnvironment.openDatabase();
                var owe = db.prepareStatement("INSERT INTO sweep_owed (subscriber_id, due_at) VALUES (?, ?)")) {
            owe.setObject(1, UUID.fromString(eve.subscriber()));
            owe.setObject(2, OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(2));
            owe.executeUpdate();
        }
        await("the recovery run").atMost(Duration.ofMillis(WAIT))
                .until(() -> TestEnvironment.messageCount(queue) == 1 && sweepsOwed(eve.subscriber()) == 0);
        try (var app = Messaging.asApp()) {
            Message left = app.receive(queue, null, WAIT);
            assertThat(left).isNotNull();
            assertThat(Events.parse(Messaging.text(left)).getSubject()).isEqualTo("https://eve.example/kept");
        }
    }

    /**
     * A subscriber who may see everything under https://&lt;name&gt;.example/ (the wide grant, to be revoked) and
     * https://&lt;name&gt;.example/kept, with a JMS sink whose subscription takes everything under the former, and a
     * source provisioned for it.
     */
    private record Revocable(String source, String subscriber, String wideGrant, String queue) {
    }

    private Revocable revocable(String name) {
        String uri = Events.uniqueSource();
        api.createSource("store for " + name, uri);
        String subscriber = created(api.postJson("/api/subscribers", Map.of("name", name + " " + UUID.randomUUID())));
        AdminApi asSubscriber = api.withToken(api.issueToken("subscribers", subscriber));
        String prefix = "https://" + name + ".example/";
        String wide = grant("subscriber", subscriber, "see", Map.of("subjectPrefixes", List.of(prefix)));
        grant("subscriber", subscriber, "see", Map.of("subjects", List.of(prefix + "kept")));
        String queued = created(asSubscriber.postJson("/api/sinks", Map.of("name", name + "'s queue",
                "channel", "jms")));
        created(asSubscriber.postJson("/api/subscriptions", Map.of("sinkId", queued,
                "filter", Map.of("subjectPrefixes", List.of(prefix)))));
        return new Revocable(uri, subscriber, wide, "tidings.sink." + queued);
    }

    /** Puts a notification about this subject on the queue as Tidings' account would. */
    private static void forwardedLate(String source, String queue, String subject) {
        CloudEvent late = Events.event(source, NEW_MAIL, subject);
        long before = TestEnvironment.messageCount(queue);
        try (var app = Messaging.asApp()) {
            app.sendText(queue, Events.json(late), subject);
        }
        assertThat(TestEnvironment.messageCount(queue)).isEqualTo(before + 1);
    }

    private static long sweepsOwed(String subscriber) throws SQLException {
        try (var db = TestEnvironment.openDatabase();
                var count = db.prepareStatement("SELECT COUNT(*) FROM sweep_owed WHERE subscriber_id = ?")) {
            count.setObject(1, UUID.fromString(subscriber));
            try (var rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    // covers S2S-11, LEM-8
    @Test
    void aRevokedSeeGrantTakesBackWhatWaitsInAMessageGroupItsConsumerHolds() throws Exception {
        var dee = revocable("dee");
        String uri = dee.source();
        String wide = dee.wideGrant();
        String queue = dee.queue();
        // dee's consumer takes one message at a time (no prefetch): what it has not asked for yet waits on the queue,
        // browsable; but the broker has bound the subject's message group (JMSXGroupID) to it
        var factory = new ActiveMQConnectionFactory(TestEnvironment.brokerUrl() + "?consumerWindowSize=0",
                TestEnvironment.APP_USER, TestEnvironment.APP_PASSWORD);
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            connection.start();
            send(uri, "https://dee.example/gone");
            Message first = consumer.receive(WAIT);
            assertThat(first).isNotNull();
            first.acknowledge();
            send(uri, "https://dee.example/gone");
            send(uri, "https://dee.example/gone");
            send(uri, "https://dee.example/kept");
            await().atMost(Duration.ofMillis(WAIT)).until(() -> waiting(queue).size() == 3);

            assertThat(api.delete("/api/grants/" + wide).status()).isEqualTo(204);
            // both waiting notifications of subject gone are taken back, though their group is bound to dee's consumer
            await().atMost(Duration.ofMillis(WAIT)).until(() -> waiting(queue).equals(List.of("https://dee.example/kept")));
        }
    }

    /** The subjects of the notifications waiting on the queue (not in delivery), browsed. */
    private static List<String> waiting(String queue) {
        try (var app = Messaging.asApp()) {
            return app.browse(queue).stream().map(m -> Events.parse(Messaging.text(m)).getSubject()).toList();
        }
    }

    /**
     * The first {@code count} server-sent events of the feed from its start, each as "id name data" (a notification's
     * data as its subject).
     */
    private static List<String> streamed(String token, String subscription, int count) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(TestEnvironment.baseUrl() + "/api/subscriptions/"
                + subscription + "/notifications")).header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream").header("Last-Event-ID", "0").build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApply(response -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    List<String> events = new ArrayList<>();
                    var parser = new SseParser();
                    try (var lines = response.body()) {
                        for (var line = lines.iterator(); events.size() < count && line.hasNext(); ) {
                            parser.line(line.next()).ifPresent(event -> events.add(event.id() + " " + event.name()
                                    + " " + ("notification".equals(event.name())
                                    ? Events.parse(event.data()).getSubject() : event.data())));
                        }
                    }
                    return events;
                }).get(WAIT, TimeUnit.MILLISECONDS);
    }

    /**
     * The revocation reaches the other instance by the change notice, within a second. Timed on a machine that runs
     * two Payara Micro instances, the broker and H2 on two cores, one round can lose a second to a pause of any of
     * them (a CI run did): so up to three rounds, each granting again and revoking, and the fastest must be within a
     * second. The scheduled catch-up every two seconds alone would take over a second in about half the rounds, so a
     * lost notice still fails this often; each round must converge within ten seconds in any case. Then, on the same
     * two instances: a route grant by resource group follows the group's change on the other one.
     */
    @Test
    void aRevokedGrantStopsEventsOnAnotherInstanceWithinOneSecond() throws Exception {
        String uri = Events.uniqueSource();
        String source = api.createBareSource("revoked store", uri);
        grant("source", source, "route", Map.of("all", true));
        try (var instance = SecondInstance.start()) {
            var second = new AdminApi(instance.baseUrl());
            List<Long> rounds = new ArrayList<>();
            while (rounds.size() < 3 && (rounds.isEmpty() || rounds.stream().allMatch(ms -> ms > 1000))) {
                String send = grant("source", source, "send", Map.of("all", true));
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> post(second, uri, NEW_MAIL, "mailto:ann@example.com").status() == 202);

                assertThat(api.delete("/api/grants/" + send).status()).isEqualTo(204);
                long revoked = System.nanoTime();
                assertThat(post(api, uri, NEW_MAIL, "mailto:ann@example.com").code()).as("this instance, at once")
                        .isEqualTo("type-not-granted");
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() ->
                        "type-not-granted".equals(post(second, uri, NEW_MAIL, "mailto:ann@example.com").code()));
                rounds.add((System.nanoTime() - revoked) / 1_000_000);
            }
            System.out.printf("grant revocation reached the second instance in %s ms%n", rounds);
            assertThat(rounds.stream().mapToLong(Long::longValue).min().orElseThrow()).as("ms, rounds " + rounds)
                    .isLessThanOrEqualTo(1000);

            // a grant by resource group follows the group's change there too
            String host = "https://routed-" + UUID.randomUUID() + ".example";
            String group = created(api.postJson("/api/groups", Map.of("name", "routed", "prefixes",
                    List.of(host + "/a/"), "members", List.of())));
            String origin = Events.uniqueSource();
            String byGroup = api.createBareSource("routed by group", origin);
            grant("source", byGroup, "send", Map.of("all", true));
            grant("source", byGroup, "route", Map.of("groups", List.of(group)));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> post(second, origin, NEW_MAIL, host + "/a/1").status() == 202);
            assertThat(post(second, origin, NEW_MAIL, host + "/b/1").code()).isEqualTo("subject-not-granted");
            assertThat(api.putJson("/api/groups/" + group, Map.of("name", "routed", "prefixes", List.of(host + "/b/"),
                    "members", List.of())).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> post(second, origin, NEW_MAIL, host + "/b/1").status() == 202);
            assertThat(post(second, origin, NEW_MAIL, host + "/a/1").code()).isEqualTo("subject-not-granted");
        }
    }

    // covers S2S-11
    @Test
    void theDryRunSaysForEachSubscriptionMatchedDeniedOrFilteredOutAndWhy() {
        String uri = Events.uniqueSource();
        api.createSource("explained store", uri);
        String ann = created(api.postJson("/api/subscribers", Map.of("name", "ann " + UUID.randomUUID())));
        AdminApi asAnn = api.withToken(api.issueToken("subscribers", ann));
        grant("subscriber", ann, "see", Map.of("subjectPrefixes", List.of("https://ann.example/")));
        String annSink = created(asAnn.postJson("/api/sinks", Map.of("name", "ann's pull", "channel", "pull")));
        String annSubscription = created(asAnn.postJson("/api/subscriptions", Map.of("sinkId", annSink,
                "filter", Map.of("subjectPrefixes", List.of("https://ann.example/")))));
        String sink = api.createJmsSink("explained sink");
        String bySource = api.subscribe(sink, Map.of("sources", List.of(uri)));
        String byType = api.subscribe(sink, Map.of("sources", List.of(uri), "types", List.of(LOGIN)));

        CloudEvent alsoAboutBob = CloudEventBuilder.v1(Events.event(uri, NEW_MAIL, "https://ann.example/inbox/1"))
                .withExtension("tidingsuris", "https://bob.example/secret").build();
        JsonNode dryRun = api.post("/api/matches?explain=true", CE,
                Events.json(alsoAboutBob).getBytes(StandardCharsets.UTF_8)).body();
        assertThat(dryRun.has("refused")).as("%s", dryRun).isFalse();
        assertThat(dryRun.get("matches")).extracting(m -> m.get("subscriptionId").asText()).contains(bySource)
                .doesNotContain(annSubscription, byType);
        Map<String, JsonNode> verdicts = new java.util.HashMap<>();
        dryRun.get("verdicts").forEach(v -> verdicts.put(v.get("subscriptionId").asText(), v));
        assertThat(verdicts.get(bySource).get("outcome").asText()).isEqualTo("matched");
        assertThat(verdicts.get(annSubscription).get("outcome").asText()).isEqualTo("denied");
        assertThat(verdicts.get(annSubscription).get("reason").asText()).contains("https://bob.example/secret")
                .doesNotContain("https://ann.example/inbox/1");
        assertThat(verdicts.get(byType).get("outcome").asText()).isEqualTo("filtered-out");
        assertThat(verdicts.get(byType).get("reason").asText()).isEqualTo("types");

        String bare = Events.uniqueSource();
        api.createBareSource("ungranted store", bare);
        JsonNode refused = api.post("/api/matches", CE, Events.json(Events.event(bare, NEW_MAIL,
                "mailto:ann@example.com")).getBytes(StandardCharsets.UTF_8)).body();
        assertThat(refused.get("refused").asText()).isEqualTo("type-not-granted");
        assertThat(refused.has("verdicts")).as("only when asked").isFalse();
    }

    @Test
    void grantsAreValidatedListedPerPrincipalAndGoWithIt() {
        String uri = Events.uniqueSource();
        String source = api.createBareSource("listed store", uri);
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("principalKind", "source", "principalId", source, "kind", "see", "all", true),
                Map.of("principalKind", "source", "principalId", source, "kind", "send"),
                Map.of("principalKind", "source", "principalId", source, "kind", "send", "subjects", List.of("x:y")),
                Map.of("principalKind", "source", "principalId", source, "kind", "send", "all", true,
                        "types", List.of(NEW_MAIL)),
                Map.of("principalKind", "source", "principalId", UUID.randomUUID(), "kind", "send", "all", true))) {
            AdminApi.Reply reply = api.postJson("/api/grants", bad);
            assertThat(reply.status()).as("%s", bad).isIn(400, 404);
        }
        String grant = grant("source", source, "send", Map.of("types", List.of(NEW_MAIL)));
        JsonNode listed = api.get("/api/grants?principalKind=source&principalId=" + source).body();
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("id").asText()).isEqualTo(grant);
        assertThat(api.delete("/api/sources/" + source).status()).isEqualTo(204);
        assertThat(api.get("/api/grants/" + grant).status()).as("deleting the source revokes its grants")
                .isEqualTo(404);
    }

    /**
     * A see grant may name a resource group of the administrators: it covers what the group holds, and follows the
     * group as it changes (what the group no longer holds is withheld in the subscriber's feed and taken back from its
     * JMS sink queue); so does a route grant. A subscriber's own group cannot be named (it could widen its own grant), and a
     * group that a grant names cannot be deleted.
     */
    // covers S2S-11, RUP-6
    @Test
    void aSeeGrantNamingAGroupCoversWhatTheGroupHoldsAsItChanges() throws Exception {
        String uri = Events.uniqueSource();
        api.createSource("partner store", uri);
        String host = "https://partner-" + UUID.randomUUID() + ".example";
        String group = created(api.postJson("/api/groups", Map.of("name", "partner pages",
                "prefixes", List.of(host + "/img/"), "members", List.of(host + "/index.html"))));
        String ann = created(api.postJson("/api/subscribers", Map.of("name", "ann " + UUID.randomUUID())));
        AdminApi asAnn = api.withToken(api.issueToken("subscribers", ann));
        String own = created(asAnn.postJson("/api/groups", Map.of("name", "ann's", "prefixes", List.of("https://"),
                "members", List.of())));
        PipelineIT.assertProblem(api.postJson("/api/grants", Map.of("principalKind", "subscriber", "principalId", ann,
                "kind", "see", "groups", List.of(own))), 400, "invalid-request");
        PipelineIT.assertProblem(api.postJson("/api/grants", Map.of("principalKind", "subscriber", "principalId", ann,
                "kind", "see", "groups", List.of(UUID.randomUUID()))), 404, "not-found");
        String see = grant("subscriber", ann, "see", Map.of("groups", List.of(group)));
        assertThat(api.get("/api/grants/" + see).body().get("groups").get(0).asText()).isEqualTo(group);

        String sink = created(asAnn.postJson("/api/sinks", Map.of("name", "ann's pull", "channel", "pull")));
        assertThat(asAnn.postJson("/api/subscriptions", Map.of("sinkId", sink, "filter",
                Map.of("subjectPrefixes", List.of(host + "/")))).code()).as("beyond the group")
                .isEqualTo("not-authorized");
        String subscription = created(asAnn.postJson("/api/subscriptions", Map.of("sinkId", sink,
                "filter", Map.of("subjectPrefixes", List.of(host + "/img/")))));
        String queued = created(asAnn.postJson("/api/sinks", Map.of("name", "ann's queue", "channel", "jms")));
        created(asAnn.postJson("/api/subscriptions", Map.of("sinkId", queued,
                "filter", Map.of("subjectPrefixes", List.of(host + "/img/")))));
        String queue = "tidings.sink." + queued;
        send(uri, host + "/img/a.png");
        await().atMost(Duration.ofMillis(WAIT)).until(() -> feed(asAnn, subscription).size() >= 1);
        assertThat(feed(asAnn, subscription)).containsExactly(host + "/img/a.png");
        await().atMost(Duration.ofMillis(WAIT)).until(() -> waiting(queue).contains(host + "/img/a.png"));

        assertThat(api.putJson("/api/groups/" + group, Map.of("name", "partner pages", "prefixes", List.of(),
                "members", List.of(host + "/img/1.png"))).status()).isEqualTo(200);
        // as after a revocation: what waits on her JMS sink queue that the group no longer covers is taken back
        await().atMost(Duration.ofMillis(WAIT)).until(() -> !waiting(queue).contains(host + "/img/a.png"));
        // about a URI the group no longer holds: not delivered; then the marker, of the same subject (and ordering
        // key), which the group holds now: once it is in, the one before was judged
        CloudEvent alsoAboutImg2 = CloudEventBuilder.v1(Events.event(uri, NEW_MAIL, host + "/img/1.png"))
                .withExtension("tidingsuris", host + "/img/2.png").build();
        assertThat(api.post("/events", CE, Events.json(alsoAboutImg2).getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(202);
        send(uri, host + "/img/1.png");
        await().atMost(Duration.ofMillis(WAIT)).until(() -> feed(asAnn, subscription).size() >= 2);
        assertThat(feed(asAnn, subscription)).containsExactly("withheld: not-authorized", host + "/img/1.png");

        // a route grant by the same group: a source may send about what the group holds now, and nothing else
        String origin = Events.uniqueSource();
        String source = api.createBareSource("partner origin", origin);
        grant("source", source, "send", Map.of("all", true));
        String route = grant("source", source, "route", Map.of("groups", List.of(group)));
        assertThat(post(origin, NEW_MAIL, host + "/img/1.png").status()).isEqualTo(202);
        assertThat(post(origin, NEW_MAIL, host + "/img/2.png").code()).isEqualTo("subject-not-granted");

        PipelineIT.assertProblem(api.delete("/api/groups/" + group), 409, "conflict");
        assertThat(api.delete("/api/grants/" + see).status()).isEqualTo(204);
        assertThat(api.delete("/api/grants/" + route).status()).isEqualTo(204);
        assertThat(api.delete("/api/groups/" + group).status()).isEqualTo(204);
    }

    private String grant(String principalKind, String principalId, String kind, Map<String, Object> what) {
        var body = new HashMap<String, Object>(what);
        body.put("principalKind", principalKind);
        body.put("principalId", principalId);
        body.put("kind", kind);
        return created(api.postJson("/api/grants", body));
    }

    private AdminApi.Reply post(String source, String type, String subject) {
        return post(api, source, type, subject);
    }

    private static AdminApi.Reply post(AdminApi to, String source, String type, String subject) {
        return to.post("/events", CE, Events.json(Events.event(source, type, subject))
                .getBytes(StandardCharsets.UTF_8));
    }

    private void send(String source, String subject) {
        AdminApi.Reply reply = post(source, NEW_MAIL, subject);
        assertThat(reply.status()).as("%s", reply).isEqualTo(202);
    }

    /** The subjects of the subscription's feed, in order ("withheld: <code>" for a withheld notification). */
    private static List<String> feed(AdminApi as, String subscription) {
        AdminApi.Reply page = as.get("/api/subscriptions/" + subscription + "/notifications?after=0");
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        List<String> subjects = new ArrayList<>();
        page.body().path("notifications").forEach(n -> subjects.add(n.has("withheld")
                ? "withheld: " + n.get("withheld").asText() : n.path("event").path("subject").asText()));
        return subjects;
    }

    private static String created(AdminApi.Reply reply) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(201);
        return reply.body().get("id").asText();
    }
}
