package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import jakarta.jms.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * instance and soon on another one, expiry; URIs that mean the same thing matching the same way (docs/adr/0009);
 * hostile filter expressions refused and matching still answering (issue 8). Each test uses its own values, so
 * subscriptions other tests left in the shared database cannot match its events. (One class, one Payara Micro boot:
 * the URI equivalence and hostile filter tests were classes of their own until .ci/run had to fit its 30 minutes.)
 */
@ExtendWith(ArquillianExtension.class)
class MatchingIT {

    private static final Duration FOLLOWED = Duration.ofSeconds(60);
    private static final String CHANGED = "org.example.web.ResourceChanged";
    /** Generous: each answer takes milliseconds; before the limits a match did not answer within 120 s. */
    private static final Duration MINUTES_NOT_MILLISECONDS = Duration.ofSeconds(30);

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
     * Many subscriptions in one call (docs/adr/0024): they all match at once when the call returns, in the order asked,
     * and each has its own audit record, as one made alone would.
     */
    // covers S2S-6
    @Test
    void aBatchOfSubscriptionsMatchesAtOnceAndEachIsAudited() {
        String sink = api.createJmsSink("batch " + tag);
        int count = 300;
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(Map.of("sinkId", sink, "filter", Map.of("subjects", List.of(batchSubject(i)))));
        }
        var reply = api.postJson("/api/subscriptions/batch", Map.of("subscriptions", items));
        assertThat(reply.status()).as("%s", reply).isEqualTo(201);
        List<String> ids = reply.body().get("subscriptions").findValuesAsText("id");
        assertThat(ids).hasSize(count).doesNotHaveDuplicates();
        assertThat(reply.body().get("subscriptions").get(count - 1).get("filter").get("subjects").get(0).asText())
                .isEqualTo(batchSubject(count - 1));
        for (int i : new int[] {0, 137, count - 1}) {
            assertThat(matches(event("https://mail.example/", "org.example.mail.MessageNew", batchSubject(i))))
                    .as("item %d", i).containsExactly(ids.get(i));
        }
        var listed = api.getAll("/api/subscriptions?sinkId=" + sink); // in pages of 100
        assertThat(listed.findValuesAsText("id")).containsExactlyInAnyOrderElementsOf(ids);
        // a batch may be larger than the 2 MiB of other calls (up to 8 MiB): 1,000 of two long subjects, about 4 MB
        String large = api.createJmsSink("large batch " + tag);
        List<Map<String, Object>> longItems = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            longItems.add(Map.of("sinkId", large, "filter", Map.of("subjects", List.of(
                    "https://" + tag + ".example.com/" + i + "/a/" + "x".repeat(1900),
                    "https://" + tag + ".example.com/" + i + "/b/" + "x".repeat(1900)))));
        }
        var largeReply = api.postJson("/api/subscriptions/batch", Map.of("subscriptions", longItems));
        assertThat(largeReply.status()).as("%s", largeReply).isEqualTo(201);
        assertThat(largeReply.body().get("subscriptions")).hasSize(1000);

        var audited = api.get("/api/audit?target=" + ids.get(137));
        assertThat(audited.status()).as("%s", audited).isEqualTo(200);
        assertThat(audited.body().findValuesAsText("action")).containsExactly("subscription.create");
        assertThat(audited.body().get(0).get("actor").asText()).isEqualTo(api.get("/api/caller").body().get("principal")
                .asText());
    }

    /** One refused item refuses the whole batch with its own code, names it by its index, and stores nothing. */
    // covers S2S-6, RUP-17
    @Test
    void aBatchWithARefusedItemStoresNothingAndNamesTheItem() throws Exception {
        String sink = api.createJmsSink("refused batch " + tag);
        Map<String, Object> good = Map.of("sinkId", sink, "filter", Map.of("types", List.of("org.example" + tag)));
        assertRefusedItem(List.of(good, good, Map.of("sinkId", sink, "filter", Map.of("expression", "FOO(subject)"))),
                "invalid-filter", "subscriptions[2]: ");
        assertRefusedItem(List.of(good, Map.of("sinkId", UUID.randomUUID().toString(), "filter", Map.of()), good),
                "unknown-sink", "subscriptions[1]: ");
        assertRefusedItem(List.of(Map.of("sinkId", sink, "filter", Map.of("groups", List.of(UUID.randomUUID()))),
                good), "invalid-filter", "subscriptions[0]: ");

        var blank = api.postJson("/api/subscriptions/batch", Map.of("subscriptions",
                List.of(good, Map.of("sinkId", sink, "filter", Map.of("types", List.of(" "))))));
        assertRefused(blank, "invalid-request");
        assertThat(blank.body().get("errors").findValuesAsText("field"))
                .allMatch(f -> f.startsWith("subscriptions[1]"));
        assertRefused(api.postJson("/api/subscriptions/batch", Map.of("subscriptions", List.of())), "invalid-request");
        assertRefused(api.postJson("/api/subscriptions/batch", Map.of("subscriptions",
                java.util.Collections.nCopies(1001, good))), "invalid-request");
        assertRefused(api.postJson("/api/subscriptions/batch", Map.of()), "invalid-request");

        // a body over the batch's 8 MiB, said in Content-Length or sent in chunks: refused before it is parsed
        List<Map<String, Object>> large = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int item = i;
            large.add(Map.of("sinkId", sink, "filter", Map.of("subjects", java.util.stream.IntStream.range(0, 5)
                    .mapToObj(j -> "https://example.com/" + item + "/" + j + "/" + "a".repeat(1700)).toList())));
        }
        byte[] body = AdminApi.JSON.writeValueAsBytes(Map.of("subscriptions", large));
        assertThat(body.length).isGreaterThan(8 * 1024 * 1024);
        for (var reply : List.of(api.post("/api/subscriptions/batch", "application/json", body),
                api.postChunked("/api/subscriptions/batch", "application/json", body))) {
            assertThat(reply.status()).as("%s", reply).isEqualTo(413);
            assertThat(reply.code()).as("%s", reply).isEqualTo("request-too-large");
        }

        assertThat(api.get("/api/subscriptions?sinkId=" + sink).body()).as("nothing of any batch stored").isEmpty();
        assertThat(matches(event("https://mail.example/", "org.example" + tag, "mailto:x@example.com"))).isEmpty();
    }

    private void assertRefusedItem(List<Map<String, Object>> items, String code, String item) {
        var reply = api.postJson("/api/subscriptions/batch", Map.of("subscriptions", items));
        assertRefused(reply, code);
        assertThat(reply.body().get("detail").asText()).as("%s", reply).startsWith(item);
    }

    private String batchSubject(int i) {
        return "mailto:user" + i + "-" + tag + "@example.com";
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

    // covers RUP-20, S2S-6
    @Test
    void anEquivalentSpellingOfTheSubjectIsDeliveredToItsSubscription() {
        String host = uriHost();
        String source = Events.uniqueSource();
        api.createSource("web origin", source);
        String sink = api.createJmsSink("cache " + host);
        String subscription = api.subscribe(sink, Map.of("subjects", List.of("http://" + host + "/a/b")));
        CloudEvent event = Events.event(source, CHANGED, "http://" + host.toUpperCase() + ":80/a/./b");

        var reply = api.post("/events", "application/cloudevents+json", Events.json(event).getBytes(StandardCharsets.UTF_8));

        assertThat(reply.status()).as("%s", reply).isEqualTo(202);
        try (var messaging = Messaging.asApp()) {
            Message notification = messaging.receive("tidings.sink." + sink, null, 30_000);
            assertThat(notification).as("notification of %s", event.getSubject()).isNotNull();
            assertThat(Messaging.property(notification, "tidings_subscription_id")).isEqualTo(subscription);
            assertThat(Messaging.property(notification, "tidings_event_id")).isEqualTo(event.getId());
        }
        for (String spelling : List.of("http://" + host + "./a/c/../b", "HTTP://" + host + ":080/a/%2E/b",
                "http://" + host + "/x/../a/b")) {
            assertThat(matches(about(spelling))).as(spelling).containsExactly(subscription);
        }
        assertThat(matches(about("http://" + host + ":8080/a/b"))).as("another port").isEmpty();
        assertThat(matches(about("https://" + host + "/a/b"))).as("another scheme").isEmpty();
    }

    // covers RUP-20, RUP-6
    @Test
    void aSubjectPrefixCoversWhatLiesUnderItAtADelimiter() {
        String host = uriHost();
        String sink = api.createJmsSink("images " + host);
        String images = api.subscribe(sink, Map.of("subjectPrefixes", List.of("https://" + host + ":443/img")));
        String site = api.subscribe(sink, Map.of("subjectPrefixes", List.of("https://" + host)));

        assertThat(matches(about("https://" + host + "/img/logo.png"))).containsExactlyInAnyOrder(images, site);
        assertThat(matches(about("https://" + host + "/img?w=2"))).containsExactlyInAnyOrder(images, site);
        assertThat(matches(about("https://" + host + "/imgs/logo.png"))).containsExactly(site);
        assertThat(matches(about("https://" + host + "/img.png"))).containsExactly(site);
        assertThat(matches(about("https://" + host + ".evil.example/img/logo.png"))).isEmpty();
    }

    // covers RUP-20, RUP-7
    @Test
    void aPrefixInvalidationReachesTheGroupsUnderItAtADelimiter() {
        String host = uriHost();
        String sink = api.createJmsSink("groups " + host);
        String images = subscribeToGroup(host, sink, List.of("https://" + host + "/img/"), List.of());
        String imageSet = subscribeToGroup(host, sink, List.of(), List.of("https://" + host + "/imgs/1"));

        assertThat(matches(invalidating("https://" + host + "/img"))).containsExactly(images);
        assertThat(matches(invalidating("https://" + host + "./imgs"))).containsExactly(imageSet);
        assertThat(matches(invalidating("https://" + host + "/im"))).isEmpty();
        assertThat(matches(invalidating("https://" + host))).containsExactlyInAnyOrder(images, imageSet);
    }

    // covers RUP-17
    @Test
    void hostileExpressionsAreRefusedAndMatchingStillAnswers() {
        String sink = api.createJmsSink("hostile " + tag);
        for (String hostile : List.of(
                "(".repeat(1990) + "true" + ")".repeat(1990),
                "NOT ".repeat(900) + "true",
                "subject LIKE '" + "%_".repeat(1900) + "'",
                "subject LIKE '" + "%".repeat(3900) + "'",
                "FOO(subject)",
                "1/0 = 1",
                "")) {
            assertRefused(api.postJson("/api/subscriptions",
                    Map.of("sinkId", sink, "filter", Map.of("expression", hostile))), "invalid-filter");
        }
        // over 4,000 characters: the expression's own length limit
        assertRefused(api.postJson("/api/subscriptions",
                Map.of("sinkId", sink, "filter", Map.of("expression", "NOT ".repeat(1300) + "true"))),
                "invalid-filter");

        String type = "org.example" + tag + ".mail.MessageNew";
        String byLike = api.subscribe(sink, Map.of("types", List.of(type),
                "expression", "subject LIKE '%@%.example.com'"));
        assertThat(matchesWithin(Events.event(Events.uniqueSource(), type, "mailto:ann@mail.example.com")))
                .containsExactly(byLike);
        assertThat(matchesWithin(Events.event(Events.uniqueSource(), type, "mailto:ann@example.org"))).isEmpty();
        // The longest subject ingest lets through (8,192 characters, docs/adr/0011) against the LIKE, at its worst;
        // without a scheme, so this measures matching, not the URI normalizer.
        assertThat(matchesWithin(Events.event(Events.uniqueSource(), type, "ann" + "@a".repeat(4_090)))).isEmpty();
        // five wildcards before a suffix that never comes: a backtracking LIKE takes about n^5 steps on 8,000
        // characters (it would never finish); the linear one, milliseconds
        String stalling = "org.example" + tag + ".cdn.Invalidated";
        api.subscribe(sink, Map.of("types", List.of(stalling), "expression", "subject LIKE '%a%a%a%a%a%b'"));
        assertThat(matchesWithin(Events.event(Events.uniqueSource(), stalling, "a".repeat(8_000)))).isEmpty();
        AdminApi.Reply tooLong = api.post("/api/matches", "application/cloudevents+json", Events.json(Events.event(
                Events.uniqueSource(), type, "ann" + "@a".repeat(100_000))).getBytes(StandardCharsets.UTF_8));
        assertThat(tooLong.code()).as("a 200 KB subject is refused before matching").isEqualTo("attribute-too-long");
    }

    /** A host of this test's own, so that subscriptions other tests left cannot match its events. */
    private String uriHost() {
        return "cdn-" + tag + ".example.com";
    }

    private String subscribeToGroup(String host, String sink, List<String> prefixes, List<String> members) {
        var group = api.postJson("/api/groups", Map.of("name", "group " + host, "prefixes", prefixes, "members", members));
        assertThat(group.status()).as("%s", group).isEqualTo(201);
        return api.subscribe(sink, Map.of("groups", List.of(group.body().get("id").asText())));
    }

    private static CloudEvent about(String subject) {
        return Events.event("https://origin.example/", CHANGED, subject);
    }

    private static CloudEvent invalidating(String prefix) {
        return CloudEventBuilder.v1(Events.event("https://origin.example/", CHANGED, "INBOX"))
                .withExtension("tidingsprefix", prefix).build();
    }
    private static void assertRefused(AdminApi.Reply reply, String... codes) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(400);
        assertThat(reply.contentType()).as("%s", reply).startsWith("application/problem+json");
        assertThat(reply.code()).as("%s", reply).isIn((Object[]) codes);
    }

    private List<String> matchesWithin(CloudEvent event) {
        AdminApi.Reply reply = assertTimeoutPreemptively(MINUTES_NOT_MILLISECONDS, () -> api.post("/api/matches",
                "application/cloudevents+json", Events.json(event).getBytes(StandardCharsets.UTF_8)));
        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        return reply.body().get("matches").findValuesAsText("subscriptionId");
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
