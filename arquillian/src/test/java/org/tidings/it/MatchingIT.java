package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The matching index inside the running pipeline: every filter kind, changes taking effect at once on this
 * instance and soon on another one, expiry. Each test uses its own values, so subscriptions other
 * tests left in the shared database cannot match its events.
 */
@ExtendWith(ArquillianExtension.class)
class MatchingIT {

    private static final Duration FOLLOWED = Duration.ofSeconds(60);

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());
    private final String tag = UUID.randomUUID().toString().substring(0, 8);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    // covers S2S-6, S2S-15, LEM-3, RUP-6, RUP-7
    @Test
    void everyFilterKindSelectsThroughTheIndex() {
        String source = Events.uniqueSource();
        String sink = api.createJmsSink("filters " + tag);
        String mailNamespace = "org.example" + tag + ".mail";
        String host = "https://cdn-" + tag + ".example.com";
        String group = created(api.postJson("/api/groups", Map.of("name", "images " + tag,
                "prefixes", List.of(host + "/img/"), "members", List.of(host + "/index.html"))));

        String byNamespace = api.subscribe(sink, Map.of("typePrefixes", List.of(mailNamespace)));
        String byDomain = api.subscribe(sink, Map.of("types", List.of(mailNamespace + ".Login"),
                "subjectDomains", List.of(tag + ".example.org")));
        String bySource = api.subscribe(sink, Map.of("sources", List.of(source)));
        String bySubjectPrefix = api.subscribe(sink, Map.of("subjectPrefixes", List.of("sip:" + tag + "-")));
        String byGroup = api.subscribe(sink, Map.of("groups", List.of(group)));
        String byExpression = api.subscribe(sink, Map.of("expression",
                "type = 'org.example" + tag + ".voicemail.New' AND subject LIKE 'tel:+4%'"));

        assertThat(matches(event(source, mailNamespace + ".MessageNew", "mailto:ann@other.example")))
                .containsExactlyInAnyOrder(byNamespace, bySource);
        assertThat(matches(event("https://elsewhere.example/", mailNamespace + ".Login", "mailto:Ann@" + tag.toUpperCase() + ".Example.org")))
                .containsExactlyInAnyOrder(byNamespace, byDomain);
        assertThat(matches(event("https://elsewhere.example/", "org.example" + tag + ".mailer.X", "sip:" + tag + "-bob@example.com")))
                .containsExactly(bySubjectPrefix);
        assertThat(matches(event("https://elsewhere.example/", "org.example.web.Changed", host + "/img/logo.png")))
                .containsExactly(byGroup);
        assertThat(matches(event("https://elsewhere.example/", "org.example.web.Changed", host + "/index.html")))
                .containsExactly(byGroup);
        assertThat(matches(event("https://elsewhere.example/", "org.example.web.Changed", host + "/about.html")))
                .isEmpty();
        assertThat(matches(event("https://elsewhere.example/", "org.example" + tag + ".voicemail.New", "tel:+44123")))
                .containsExactly(byExpression);
        assertThat(matches(event("https://elsewhere.example/", "org.example" + tag + ".voicemail.New", "tel:+33123")))
                .isEmpty();
    }

    // covers RUP-7, RUP-6, LEM-11
    @Test
    void oneNotificationInvalidatingSeveralUrisReachesTheSinkOnce() {
        String source = Events.uniqueSource();
        api.createSource("origin " + tag, source);
        String host = "https://www-" + tag + ".example.com";
        String pages = created(api.postJson("/api/groups", Map.of("name", "pages", "prefixes", List.of(host + "/pages/"),
                "members", List.of())));
        String home = created(api.postJson("/api/groups", Map.of("name", "home", "prefixes", List.of(),
                "members", List.of(host + "/"))));
        String cache = api.createJmsSink("surrogate " + tag);
        String subscription = api.subscribe(cache, Map.of("groups", List.of(pages, home)));

        CloudEvent invalidation = CloudEventBuilder.v1()
                .withId(UUID.randomUUID().toString()).withSource(java.net.URI.create(source))
                .withType("org.example.web.Invalidate")
                .withExtension("tidingsuris", host + "/pages/a.html " + host + "/pages/b.html " + host + "/")
                .build();
        try (var messaging = Messaging.asSource()) {
            messaging.sendText("tidings.events", Events.json(invalidation));
        }
        try (var messaging = Messaging.asApp()) {
            var notification = messaging.receive("tidings.sink." + cache, null, 30_000);
            assertThat(notification).isNotNull();
            assertThat(Messaging.property(notification, "tidings_subscription_id")).isEqualTo(subscription);
            assertThat(messaging.browse("tidings.sink." + cache)).isEmpty();
        }

        CloudEvent prefixInvalidation = CloudEventBuilder.v1(invalidation).withId(UUID.randomUUID().toString())
                .withoutExtension("tidingsuris").withExtension("tidingsprefix", host + "/pages/").build();
        assertThat(matches(prefixInvalidation)).containsExactly(subscription);
    }

    // covers S2S-6
    @Test
    void changesApplyAtOnce() {
        String sink = api.createJmsSink("changing " + tag);
        String type = "org.example" + tag + ".presence.Changed";
        CloudEvent presence = event("https://presence.example/", type, "sip:" + tag + "@example.com");
        CloudEvent login = event("https://presence.example/", type + "Login", "sip:" + tag + "@example.com");

        String subscription = api.subscribe(sink, Map.of("types", List.of(type)));
        assertThat(matches(presence)).containsExactly(subscription);

        var update = api.putJson("/api/subscriptions/" + subscription, Map.of("filter", Map.of("types", List.of(type + "Login"))));
        assertThat(update.status()).isEqualTo(200);
        assertThat(matches(presence)).isEmpty();
        assertThat(matches(login)).containsExactly(subscription);

        assertThat(api.delete("/api/subscriptions/" + subscription).status()).isEqualTo(204);
        assertThat(matches(login)).isEmpty();
    }

    /**
     * The test holds the reaper's lock, so no instance can remove the row: the subscription must stop matching by
     * its expiry time alone, with its row still there, and the row goes once the lock is free.
     */
    // covers LST-5, S2S-8a
    @Test
    void anExpiredSubscriptionStopsMatchingAtOnceWithoutWaitingForTheReaper() throws Exception {
        String sink = api.createJmsSink("expiring " + tag);
        String type = "org.example" + tag + ".presence.Changed";
        CloudEvent presence = event("https://presence.example/", type, "sip:" + tag + "@example.com");
        // far enough ahead that a busy machine still matches it before; how far does not matter to the assertions
        Instant expiresAt = Instant.now().plusSeconds(10);
        String expiring;
        try (var database = TestEnvironment.openDatabase()) {
            database.setAutoCommit(false);
            try (var lock = database.prepareStatement("SELECT name FROM task_lock WHERE name = ? FOR UPDATE")) {
                lock.setString(1, "subscription-expiry");
                assertThat(lock.executeQuery().next()).as("the reaper's lock").isTrue();
            }
            expiring = created(api.postJson("/api/subscriptions", Map.of("sinkId", sink,
                    "filter", Map.of("types", List.of(type)), "expiresAt", expiresAt.toString())));
            assertThat(matches(presence)).containsExactly(expiring);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Instant.now().isAfter(expiresAt));
            assertThat(matches(presence)).as("the first match after its expiry").isEmpty();
            // longer than a reaper period (5 s): no instance reaps while another holds the lock
            await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(30))
                    .until(() -> api.get("/api/subscriptions/" + expiring).status() == 200);
            assertThat(matches(presence)).isEmpty();
            database.rollback();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/api/subscriptions/" + expiring).status() == 404);
        assertThat(matches(presence)).isEmpty();
    }

    /**
     * Convergence, not speed: notices usually take milliseconds, but a loaded machine must not fail this. The ways a
     * notice gets lost are ConvergenceIT's.
     */
    // covers S2S-6, RUP-6, S2S-9 (index and source directory current on every instance)
    @Test
    void anotherInstanceFollowsEveryChange() throws Exception {
        String sink = api.createJmsSink("shared " + tag);
        String type = "org.example" + tag + ".calendar.Changed";
        String before = api.subscribe(sink, Map.of("types", List.of(type)));
        CloudEvent event = event("https://calendar.example/", type, "mailto:" + tag + "@example.com");

        try (var second = SecondInstance.start()) {
            var other = new AdminApi(second.baseUrl());
            assertThat(matchesOn(other, event)).as("loaded at start").containsExactly(before);

            // a change made on the second instance applies there at once (its log is checked at the end)
            CloudEvent ownEvent = event("https://calendar.example/", type + "Own", "mailto:" + tag + "@example.com");
            String own = other.subscribe(sink, Map.of("types", List.of(ownEvent.getType())));
            assertThat(matchesOn(other, ownEvent)).containsExactly(own);
            assertThat(other.delete("/api/subscriptions/" + own).status()).isEqualTo(204);
            assertThat(matchesOn(other, ownEvent)).isEmpty();

            String created = api.subscribe(sink, Map.of("typePrefixes", List.of("org.example" + tag)));
            await().atMost(FOLLOWED).pollInterval(Duration.ofMillis(50))
                    .until(() -> matchesOn(other, event).contains(created));

            api.putJson("/api/subscriptions/" + created, Map.of("filter", Map.of("types", List.of(type + "X"))));
            await().atMost(FOLLOWED).pollInterval(Duration.ofMillis(50))
                    .until(() -> !matchesOn(other, event).contains(created));

            assertThat(api.delete("/api/subscriptions/" + before).status()).isEqualTo(204);
            await().atMost(FOLLOWED).pollInterval(Duration.ofMillis(50))
                    .until(() -> matchesOn(other, event).isEmpty());

            String host = "https://img-" + tag + ".example.com";
            String group = created(api.postJson("/api/groups", Map.of("name", "g", "prefixes", List.of(host + "/a/"),
                    "members", List.of())));
            String byGroup = api.subscribe(sink, Map.of("groups", List.of(group)));
            CloudEvent changed = event("https://origin.example/", "org.example.web.Changed", host + "/b/x.png");
            assertThat(api.putJson("/api/groups/" + group, Map.of("name", "g", "prefixes", List.of(host + "/b/"),
                    "members", List.of())).status()).isEqualTo(200);
            await().atMost(FOLLOWED).pollInterval(Duration.ofMillis(50))
                    .until(() -> matchesOn(other, changed).contains(byGroup));

            // the source directory follows the same notices: a new source is accepted there, a deleted one refused
            String source = Events.uniqueSource();
            String sourceId = api.createSource("late " + tag, source);
            await().atMost(FOLLOWED).pollInterval(Duration.ofMillis(50))
                    .until(() -> ingest(other, event(source, type, "mailto:" + tag + "@example.com")) == 202);
            assertThat(api.delete("/api/sources/" + sourceId).status()).isEqualTo(204);
            await().atMost(FOLLOWED).pollInterval(Duration.ofMillis(50))
                    .until(() -> ingest(other, event(source, type, "mailto:" + tag + "@example.com")) == 403);

            // applying its own changes resumed no finished transaction (logged as AS-EJB-00056 until 0010)
            assertThat(Files.readString(second.log())).doesNotContain("Invalid transaction passed to resume()");
        }
    }

    private static int ingest(AdminApi on, CloudEvent event) {
        return on.post("/events", "application/cloudevents+json", Events.json(event).getBytes(StandardCharsets.UTF_8))
                .status();
    }

    private List<String> matches(CloudEvent event) {
        return matchesOn(api, event);
    }

    private static List<String> matchesOn(AdminApi on, CloudEvent event) {
        var reply = on.post("/api/matches", "application/cloudevents+json",
                Events.json(event).getBytes(StandardCharsets.UTF_8));
        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        return reply.body().get("matches").findValuesAsText("subscriptionId");
    }

    private static CloudEvent event(String source, String type, String subject) {
        return Events.event(source, type, subject);
    }

    private static String created(AdminApi.Reply reply) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(201);
        return reply.body().get("id").asText();
    }
}
