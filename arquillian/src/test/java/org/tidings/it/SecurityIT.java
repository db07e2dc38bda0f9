package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Authentication and roles on the real stack (docs/adr/0018). The endpoints are not listed here: the suite walks
 * the list the running application makes of its own JAX-RS resource methods (GET /api/endpoints), so an endpoint
 * added later is checked without anyone remembering to add it.
 */
@ExtendWith(ArquillianExtension.class)
class SecurityIT {

    private static final String TYPE = "org.example.mail.MessageNew";
    private static final AdminApi ADMIN = new AdminApi(TestEnvironment.baseUrl());

    /** The groups each test principal's token carries, by the token's text. */
    private static final Map<String, Set<String>> PRINCIPALS = new LinkedHashMap<>();
    private static String sourceToken;
    private static String sourceUri;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    @BeforeAll
    static void principals() {
        for (String role : List.of("viewer", "operator", "admin")) {
            String id = created(ADMIN.postJson("/api/administrators", Map.of("name", "it " + role + " "
                    + UUID.randomUUID(), "role", role)));
            PRINCIPALS.put(ADMIN.issueToken("administrators", id), switch (role) {
                case "viewer" -> Set.of("viewer");
                case "operator" -> Set.of("viewer", "operator");
                default -> Set.of("viewer", "operator", "admin");
            });
        }
        String subscriber = created(ADMIN.postJson("/api/subscribers", Map.of("name", "it subscriber "
                + UUID.randomUUID())));
        PRINCIPALS.put(ADMIN.issueToken("subscribers", subscriber), Set.of("subscriber"));
        sourceUri = Events.uniqueSource();
        String source = ADMIN.createSource("it source", sourceUri);
        sourceToken = ADMIN.issueToken("sources", source);
        PRINCIPALS.put(sourceToken, Set.of("source"));
    }

    // covers S2S-10
    @Test
    void everyEndpointAnswersACoded401WithoutATokenAndWithABadOne() {
        List<JsonNode> endpoints = endpoints();
        List<String> failures = new ArrayList<>();
        for (JsonNode endpoint : endpoints) {
            if (!endpoint.path("roles").isArray()) {
                failures.add("open to anyone: " + endpoint);
                continue;
            }
            for (String token : new String[] {null, "tdg_unknown0_" + "A".repeat(43), "x", TestEnvironment.ADMIN_TOKEN
                    + "x"}) {
                AdminApi.Reply reply = call(ADMIN.withToken(token), endpoint);
                String expected = token == null ? "unauthenticated" : "invalid-token";
                if (reply.status() != 401 || !expected.equals(reply.code())
                        || reply.header("WWW-Authenticate") == null
                        || !reply.header("WWW-Authenticate").startsWith("Bearer")) {
                    failures.add(describe(endpoint) + " with token " + (token == null ? "none" : "bad") + ": " + reply);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    /**
     * What Payara Micro would serve beside the API, to anyone: the MicroProfile OpenAPI document (the API's shape) and
     * metrics (pools, threads, memory), both off before boot (web/src/main/payara/preboot.asadmin). Jersey's WADL of
     * Tidings' own resources is off too (TidingsApplication); it was behind the access rules already. What is left:
     * /health, which tells only UP or DOWN, and the WADL of Payara's OpenAPI application, which describes only its
     * own GET.
     */
    // covers S2S-10
    @Test
    void payarasOwnEndpointsTellNobodyTheApiOrTheServersState() {
        for (String path : List.of("/openapi", "/openapi/", "/metrics", "/metrics/base", "/metrics/vendor",
                "/application.wadl", "/api/application.wadl", "/api/sources/application.wadl")) {
            for (AdminApi caller : List.of(ADMIN.withToken(null), ADMIN)) {
                AdminApi.Reply reply = caller.get(path);
                assertThat(reply.status()).as("%s: %s", path, reply).isIn(401, 403, 404);
                assertThat(reply.body().toString()).as(path).doesNotContain("/api/").doesNotContain("jvm")
                        .doesNotContain("Pool");
            }
        }
        AdminApi.Reply openApiWadl = ADMIN.withToken(null).get("/openapi/application.wadl");
        assertThat(openApiWadl.body().toString()).as("%s", openApiWadl).doesNotContain("/api/")
                .doesNotContain("/events");
        AdminApi.Reply health = ADMIN.withToken(null).get("/health");
        assertThat(health.status()).as("%s", health).isEqualTo(200);
        assertThat(health.body().path("status").asText()).isEqualTo("UP");
    }

    // covers S2S-10
    @Test
    void everyEndpointRefusesEveryPrincipalWithoutOneOfItsRolesAndLetsTheOthersPast() {
        List<String> failures = new ArrayList<>();
        int refusals = 0;
        for (JsonNode endpoint : endpoints()) {
            Set<String> roles = new java.util.HashSet<>();
            endpoint.path("roles").forEach(role -> roles.add(role.asText()));
            for (var principal : PRINCIPALS.entrySet()) {
                boolean allowed = principal.getValue().stream().anyMatch(roles::contains);
                AdminApi.Reply reply = call(ADMIN.withToken(principal.getKey()), endpoint);
                if (!allowed) {
                    refusals++;
                    if (reply.status() != 403 || !"forbidden".equals(reply.code())) {
                        failures.add(describe(endpoint) + " as " + principal.getValue() + " should be 403: " + reply);
                    }
                } else if (reply.status() == 401 || "forbidden".equals(reply.code())) {
                    failures.add(describe(endpoint) + " as " + principal.getValue() + " should pass: " + reply);
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(refusals).as("refusals checked").isGreaterThan(50);
    }

    // covers S2S-9
    @Test
    void aSourceTokenSendsEventsOfItsOwnSourceOnlyAndAForgedOneLeavesNothingOnTheQueue() {
        String other = Events.uniqueSource();
        ADMIN.createSource("another source", other);
        AdminApi asSource = ADMIN.withToken(sourceToken);
        long queued = TestEnvironment.messagesAdded("tidings.events");

        AdminApi.Reply forged = asSource.post("/events", "application/cloudevents+json",
                Events.json(Events.event(other, TYPE, "mailto:ann@example.com")).getBytes(StandardCharsets.UTF_8));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.code()).isEqualTo("forged-source");
        AdminApi.Reply unprovisioned = asSource.post("/events", "application/cloudevents+json",
                Events.json(Events.event(Events.uniqueSource(), TYPE, "mailto:ann@example.com"))
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(unprovisioned.code()).as("not unknown-source: a source's token learns nothing of other sources")
                .isEqualTo("forged-source");
        assertThat(TestEnvironment.messagesAdded("tidings.events")).as("nothing queued").isEqualTo(queued);

        AdminApi.Reply own = asSource.post("/events", "application/cloudevents+json",
                Events.json(Events.event(sourceUri, TYPE, "mailto:ann@example.com")).getBytes(StandardCharsets.UTF_8));
        assertThat(own.status()).as("%s", own).isEqualTo(202);
        AdminApi.Reply byAdmin = ADMIN.post("/events", "application/cloudevents+json",
                Events.json(Events.event(other, TYPE, "mailto:ann@example.com")).getBytes(StandardCharsets.UTF_8));
        assertThat(byAdmin.status()).as("an administrator sends for any provisioned source").isEqualTo(202);
    }

    /**
     * Propagation feedback for the origin (RUP-11): a source's token reads the deliveries of its own events, and is
     * refused another source's, provisioned or not, alike.
     */
    // covers RUP-11, S2S-10
    @Test
    void aSourcesTokenSeesHowFarItsOwnEventsGotAndNoOneElses() {
        // a type of its own, so that no other test's subscription matches
        String type = "org.example.mail.Propagation";
        String sink = ADMIN.createJmsSink("propagation");
        ADMIN.subscribe(sink, Map.of("types", List.of(type), "sources", List.of(sourceUri)));
        try (var receiver = new WebhookReceiver(n -> 500)) {
            String hook = created(ADMIN.postJson("/api/sinks", Map.of("name", "failing receiver", "channel", "webhook",
                    "url", receiver.url("/hooks"))));
            String hookSubscription = ADMIN.subscribe(hook, Map.of("types", List.of(type), "sources",
                    List.of(sourceUri)));
            AdminApi asSource = ADMIN.withToken(sourceToken);
            var event = Events.event(sourceUri, type, "mailto:propagation@example.com");
            assertThat(asSource.post("/events", "application/cloudevents+json", Events.json(event)
                    .getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(202);
            String own = "/api/deliveries?source=" + sourceUri + "&id=" + event.getId();
            // until its last attempt: the status read by the source and by the administrator is then the same
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                AdminApi.Reply reply = ADMIN.get(own);
                assertThat(reply.body()).hasSize(2);
                assertThat(reply.body().get(0).get("sinkId").asText()).isEqualTo(hook);
                assertThat(reply.body().get(0).path("lastStatus").asInt()).as("attempted").isEqualTo(500);
                assertThat(reply.body().get(0).path("status").asText()).isEqualTo("dead");
            });
            AdminApi.Reply reply = asSource.get(own);
            assertThat(reply.status()).as("%s", reply).isEqualTo(200);
            var byAdmin = ADMIN.get(own).body();
            assertThat(reply.body()).hasSize(2);
            for (int i = 0; i < 2; i++) {
                var seen = reply.body().get(i);
                assertThat(seen.get("sinkId")).isEqualTo(byAdmin.get(i).get("sinkId"));
                assertThat(seen.get("subscriptionId")).isEqualTo(byAdmin.get(i).get("subscriptionId"));
                assertThat(seen.get("status")).isEqualTo(byAdmin.get(i).get("status"));
                assertThat(byAdmin.get(i).get("seq").asLong()).as("an administrator sees the number").isEqualTo(1);
                // the number counts every source's notifications to that subscription; the answer is the receiver's
                for (String hidden : List.of("seq", "position", "lastStatus", "lastAnswer", "nextAttemptAt")) {
                    assertThat(seen.hasNonNull(hidden)).as("%s hidden from the source", hidden).isFalse();
                }
            }
            assertThat(reply.body().get(1).get("status").asText()).isEqualTo("forwarded");

            String other = Events.uniqueSource();
            ADMIN.createSource("another source", other);
            for (String foreign : List.of(other, Events.uniqueSource())) {
                AdminApi.Reply refused = asSource.get("/api/deliveries?source=" + foreign + "&id=" + event.getId());
                assertThat(refused.status()).as("%s", refused).isEqualTo(403);
                assertThat(refused.code()).as("the same for a provisioned source and for none")
                        .isEqualTo("not-authorized");
            }
            // no later test's receiver on a reused port gets its retries
            assertThat(ADMIN.delete("/api/subscriptions/" + hookSubscription).status()).isEqualTo(204);
            assertThat(ADMIN.delete("/api/sinks/" + hook + "?purge=true").status()).isEqualTo(204);
        }
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceAndAnExpiredOneWhenItExpires() {
        String subscriber = created(ADMIN.postJson("/api/subscribers", Map.of("name", "revoked " + UUID.randomUUID())));
        var issued = ADMIN.postJson("/api/subscribers/" + subscriber + "/tokens", Map.of("label", "to revoke"));
        String token = issued.body().get("token").asText();
        String tokenId = issued.body().get("id").asText();
        assertThat(ADMIN.withToken(token).get("/api/caller").status()).isEqualTo(200);

        AdminApi.Reply revoked = ADMIN.delete("/api/subscribers/" + subscriber + "/tokens/" + tokenId);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.body().get("revokedAt").isNull()).isFalse();
        AdminApi.Reply after = ADMIN.withToken(token).get("/api/caller");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.code()).isEqualTo("invalid-token");

        // far enough ahead that the token still works when a busy machine gets to the first request
        Instant expiry = Instant.now().plusSeconds(10);
        String expiring = ADMIN.postJson("/api/subscribers/" + subscriber + "/tokens",
                Map.of("expiresAt", expiry.toString())).body().get("token").asText();
        assertThat(ADMIN.withToken(expiring).get("/api/caller").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> ADMIN.withToken(expiring).get("/api/caller").status() == 401);
        assertThat(Instant.now()).isAfterOrEqualTo(expiry);
    }

    @Test
    void theCallerIsTheTokensPrincipalAndTheLastAdminCannotBeDeleted() {
        JsonNode caller = ADMIN.get("/api/caller").body();
        assertThat(caller.get("kind").asText()).isEqualTo("administrator");
        assertThat(caller.get("roles")).extracting(JsonNode::asText).contains("admin", "operator", "viewer");
        String first = caller.get("id").asText();
        JsonNode firstView = ADMIN.get("/api/administrators/" + first).body();
        assertThat(firstView.get("name").asText()).isEqualTo("admin");

        // other admins exist (created above), so deleting one of them is allowed; the rule is about the last one
        String lone = created(ADMIN.postJson("/api/administrators", Map.of("name", "lone viewer " + UUID.randomUUID(),
                "role", "viewer")));
        assertThat(ADMIN.delete("/api/administrators/" + lone).status()).isEqualTo(204);
        assertThat(ADMIN.get("/api/administrators/" + lone).status()).isEqualTo(404);
        AdminApi.Reply invalidRole = ADMIN.postJson("/api/administrators", Map.of("name", "x", "role", "root"));
        assertThat(invalidRole.status()).isEqualTo(400);
    }

    @Test
    void tokenTextsAppearOnlyInTheAnswerThatCreatesThemAndNeverInTheServerLog() throws Exception {
        try (var server = ServerOutput.captured()) {
            String subscriber = created(ADMIN.postJson("/api/subscribers", Map.of("name", "log " + UUID.randomUUID())));
            String token = ADMIN.issueToken("subscribers", subscriber);
            assertThat(ADMIN.withToken(token).get("/api/caller").status()).isEqualTo(200);
            assertThat(ADMIN.withToken(token + "tampered").get("/api/caller").status()).isEqualTo(401);
            String listed = ADMIN.get("/api/subscribers/" + subscriber + "/tokens").body().toString();
            assertThat(listed).contains(token.substring(0, 12)).doesNotContain(token);
            for (String path : List.of("/api/subscribers", "/api/administrators", "/api/sources",
                    "/api/subscribers/" + subscriber)) {
                assertThat(ADMIN.get(path).body().toString()).as(path).doesNotContain(token)
                        .doesNotContain(TestEnvironment.ADMIN_TOKEN);
            }
            assertThat(server.text()).doesNotContain(token).doesNotContain(TestEnvironment.ADMIN_TOKEN)
                    .doesNotContain(token.substring(13));
        }
    }

    /**
     * A subscriber that still owns sinks or groups is not deleted (409 conflict, nothing changed, its token still
     * works): a review found them left behind, still matched and delivered to. Once they are gone, it is.
     */
    // covers LST-3
    @Test
    void aSubscriberIsDeletedOnlyOnceItOwnsNothing() {
        String id = created(ADMIN.postJson("/api/subscribers", Map.of("name", "leaving " + UUID.randomUUID())));
        AdminApi leaving = ADMIN.withToken(ADMIN.issueToken("subscribers", id));
        String sink = created(leaving.postJson("/api/sinks", Map.of("name", "left behind?", "channel", "pull")));
        String group = created(leaving.postJson("/api/groups", Map.of("name", "left behind?", "prefixes",
                List.of("https://leaving.example/"), "members", List.of())));

        AdminApi.Reply refused = ADMIN.delete("/api/subscribers/" + id);
        assertThat(refused.status()).as("%s", refused).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("conflict");
        assertThat(leaving.get("/api/caller").status()).as("nothing changed: its token still works").isEqualTo(200);

        assertThat(leaving.delete("/api/sinks/" + sink).status()).isEqualTo(204);
        assertThat(ADMIN.delete("/api/subscribers/" + id).status()).as("a group still owned").isEqualTo(409);
        assertThat(leaving.delete("/api/groups/" + group).status()).isEqualTo(204);
        assertThat(ADMIN.delete("/api/subscribers/" + id).status()).isEqualTo(204);
        assertThat(leaving.get("/api/caller").status()).as("its tokens went with it").isEqualTo(401);
    }

    // covers LEM-3, LST-3
    @Test
    void aSubscriberSeesAndChangesOnlyItsOwnSinksSubscriptionsGroupsAndFeeds() {
        AdminApi ann = ADMIN.withToken(ADMIN.issueToken("subscribers", created(ADMIN.postJson("/api/subscribers",
                Map.of("name", "ann " + UUID.randomUUID())))));
        AdminApi bob = ADMIN.withToken(ADMIN.issueToken("subscribers", created(ADMIN.postJson("/api/subscribers",
                Map.of("name", "bob " + UUID.randomUUID())))));
        String sink = created(ann.postJson("/api/sinks", Map.of("name", "ann's feed", "channel", "pull")));
        String group = created(ann.postJson("/api/groups", Map.of("name", "ann's pages",
                "prefixes", List.of("https://ann.example/"), "members", List.of())));
        String annId = ann.get("/api/caller").body().get("id").asText();
        created(ADMIN.postJson("/api/grants", Map.of("principalKind", "subscriber", "principalId", annId,
                "kind", "see", "subjectPrefixes", List.of("https://ann.example/"))));
        String subscription = created(ann.postJson("/api/subscriptions", Map.of("sinkId", sink,
                "filter", Map.of("subjectPrefixes", List.of("https://ann.example/"), "groups", List.of(group)))));
        String adminSink = ADMIN.createJmsSink("the administrators' sink");

        assertThat(ids(ann.get("/api/sinks"))).containsExactly(sink);
        assertThat(ids(ann.get("/api/subscriptions"))).containsExactly(subscription);
        assertThat(ids(ann.get("/api/groups"))).containsExactly(group);
        assertThat(ids(bob.get("/api/sinks"))).isEmpty();
        assertThat(ids(bob.get("/api/subscriptions"))).isEmpty();
        assertThat(ADMIN.getAll("/api/sinks").findValuesAsText("id")).contains(sink, adminSink);
        assertThat(ADMIN.getAll("/api/subscriptions").findValuesAsText("id")).contains(subscription);

        for (String path : List.of("/api/sinks/" + sink, "/api/subscriptions/" + subscription, "/api/groups/" + group,
                "/api/subscriptions/" + subscription + "/notifications", "/api/sinks/" + adminSink)) {
            AdminApi.Reply reply = bob.get(path);
            assertThat(reply.status()).as(path).isEqualTo(404);
            assertThat(reply.code()).as(path).isEqualTo("not-found");
        }
        assertThat(bob.delete("/api/subscriptions/" + subscription).status()).isEqualTo(404);
        assertThat(bob.delete("/api/sinks/" + sink).status()).isEqualTo(404);
        assertThat(bob.putJson("/api/subscriptions/" + subscription, Map.of("filter", Map.of())).status())
                .isEqualTo(404);
        assertThat(bob.postJson("/api/subscriptions/" + subscription + "/notifications/ack", Map.of("upTo", 1))
                .status()).isEqualTo(404);
        AdminApi.Reply foreignSink = bob.postJson("/api/subscriptions", Map.of("sinkId", sink,
                "filter", Map.of("types", List.of(TYPE))));
        assertThat(foreignSink.status()).isEqualTo(400);
        assertThat(foreignSink.code()).isEqualTo("unknown-sink");
        String bobSink = created(bob.postJson("/api/sinks", Map.of("name", "bob's feed", "channel", "pull")));
        AdminApi.Reply foreignGroup = bob.postJson("/api/subscriptions", Map.of("sinkId", bobSink,
                "filter", Map.of("groups", List.of(group))));
        assertThat(foreignGroup.status()).isEqualTo(403);
        assertThat(foreignGroup.code()).isEqualTo("not-authorized");

        // a batch is checked item by item as one subscription is: another's sink, beyond the grants; none stored
        Map<String, Object> annsOwn = Map.of("sinkId", sink,
                "filter", Map.of("subjectPrefixes", List.of("https://ann.example/b/")));
        AdminApi.Reply foreignBatch = bob.postJson("/api/subscriptions/batch",
                Map.of("subscriptions", List.of(annsOwn)));
        assertThat(foreignBatch.code()).as("%s", foreignBatch).isEqualTo("unknown-sink");
        assertThat(foreignBatch.body().get("detail").asText()).startsWith("subscriptions[0]: ");
        AdminApi.Reply beyondGrants = ann.postJson("/api/subscriptions/batch", Map.of("subscriptions", List.of(annsOwn,
                Map.of("sinkId", sink, "filter", Map.of("subjectPrefixes", List.of("https://bob.example/"))))));
        assertThat(beyondGrants.status()).as("%s", beyondGrants).isEqualTo(403);
        assertThat(beyondGrants.code()).isEqualTo("not-authorized");
        assertThat(beyondGrants.body().get("detail").asText()).startsWith("subscriptions[1]: ");
        AdminApi.Reply foreignGroupBatch = bob.postJson("/api/subscriptions/batch", Map.of("subscriptions",
                List.of(Map.of("sinkId", bobSink, "filter", Map.of("groups", List.of(group))))));
        assertThat(foreignGroupBatch.code()).as("%s", foreignGroupBatch).isEqualTo("not-authorized");
        assertThat(ids(ann.get("/api/subscriptions"))).containsExactly(subscription);
        assertThat(ids(bob.get("/api/subscriptions"))).isEmpty();

        assertThat(ann.get("/api/subscriptions/" + subscription + "/notifications").status()).isEqualTo(200);
        assertThat(ann.get("/api/sinks/" + sink).status()).isEqualTo(200);
        assertThat(ADMIN.get("/api/subscriptions/" + subscription).status()).isEqualTo(200);
        assertThat(ann.delete("/api/subscriptions/" + subscription).status()).isEqualTo(204);
    }

    private static List<String> ids(AdminApi.Reply reply) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        reply.body().forEach(node -> ids.add(node.get("id").asText()));
        return ids;
    }

    private static List<JsonNode> endpoints() {
        AdminApi.Reply reply = ADMIN.get("/api/endpoints");
        assertThat(reply.status()).isEqualTo(200);
        List<JsonNode> endpoints = new ArrayList<>();
        reply.body().forEach(endpoints::add);
        assertThat(endpoints).as("the application's own endpoints").hasSizeGreaterThan(30);
        assertThat(endpoints).extracting(e -> e.get("method").asText() + " " + e.get("path").asText())
                .contains("POST /events", "GET /api/sources", "POST /api/sinks/{id}/dead-letters/redrive",
                        "GET /api/endpoints");
        return endpoints;
    }

    /** The endpoint called with made-up path parameters and an empty JSON object as body, where it takes one. */
    private static AdminApi.Reply call(AdminApi api, JsonNode endpoint) {
        String path = endpoint.get("path").asText()
                .replaceAll("\\{kind:[^}]*}", "subscribers")
                .replaceAll("\\{[^}]*}", UUID.randomUUID().toString());
        String method = endpoint.get("method").asText();
        boolean body = Set.of("POST", "PUT", "PATCH").contains(method);
        String consumes = endpoint.path("consumes").isTextual() ? endpoint.get("consumes").asText() : "application/json";
        String produces = endpoint.path("produces").isTextual() ? endpoint.get("produces").asText() : "application/json";
        return api.request(method, path + (path.contains("notifications") ? "?wait=0" : ""),
                body ? consumes : null, body ? "{}".getBytes(StandardCharsets.UTF_8) : null, produces);
    }

    private static String describe(JsonNode endpoint) {
        return endpoint.get("method").asText() + " " + endpoint.get("path").asText();
    }

    private static String created(AdminApi.Reply reply) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(201);
        return reply.body().get("id").asText();
    }
}
