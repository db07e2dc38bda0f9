package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.nio.charset.StandardCharsets;
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
 * instance and within a second on another one, expiry. Each test uses its own values, so subscriptions other
 * tests left in the shared database cannot match its events.
 */
@ExtendWith(ArquillianExtension.class)
class MatchingIT {

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

    // covers S2S-6, LST-5
    @Test
    void changesApplyAtOnceAndExpiredSubscriptionsStopMatching() {
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

        String expiring = created(api.postJson("/api/subscriptions", Map.of("sinkId", sink,
                "filter", Map.of("types", List.of(type)), "expiresAt", Instant.now().plusSeconds(3).toString())));
        assertThat(matches(presence)).containsExactly(expiring);
        await().atMost(Duration.ofSeconds(20)).until(() -> matches(presence).isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/subscriptions/" + expiring).status() == 404);
    }

    // covers S2S-6, RUP-6, S2S-9 (index and source directory current on every instance)
    @Test
    void anotherInstanceSeesEveryChangeWithinOneSecond() throws Exception {
        String sink = api.createJmsSink("shared " + tag);
        String type = "org.example" + tag + ".calendar.Changed";
        String before = api.subscribe(sink, Map.of("types", List.of(type)));
        CloudEvent event = event("https://calendar.example/", type, "mailto:" + tag + "@example.com");

        try (var second = SecondInstance.start()) {
            var other = new AdminApi(second.baseUrl());
            assertThat(matchesOn(other, event)).as("loaded at start").containsExactly(before);

            String created = api.subscribe(sink, Map.of("typePrefixes", List.of("org.example" + tag)));
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> matchesOn(other, event).contains(created));

            api.putJson("/api/subscriptions/" + created, Map.of("filter", Map.of("types", List.of(type + "X"))));
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !matchesOn(other, event).contains(created));

            assertThat(api.delete("/api/subscriptions/" + before).status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> matchesOn(other, event).isEmpty());

            String host = "https://img-" + tag + ".example.com";
            String group = created(api.postJson("/api/groups", Map.of("name", "g", "prefixes", List.of(host + "/a/"),
                    "members", List.of())));
            String byGroup = api.subscribe(sink, Map.of("groups", List.of(group)));
            CloudEvent changed = event("https://origin.example/", "org.example.web.Changed", host + "/b/x.png");
            assertThat(api.putJson("/api/groups/" + group, Map.of("name", "g", "prefixes", List.of(host + "/b/"),
                    "members", List.of())).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> matchesOn(other, changed).contains(byGroup));

            // the source directory follows the same notices: a new source is accepted there, a deleted one refused
            String source = Events.uniqueSource();
            String sourceId = created(api.postJson("/api/sources", Map.of("name", "late " + tag, "uri", source)));
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> ingest(other, event(source, type, "mailto:" + tag + "@example.com")) == 202);
            assertThat(api.delete("/api/sources/" + sourceId).status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> ingest(other, event(source, type, "mailto:" + tag + "@example.com")) == 403);
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
