package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * POST /api/subscriptions/batch and POST /api/subscriptions with an Idempotency-Key header (docs/adr/0024): what a key
 * created is remembered in the database with it, in one transaction, so this runs on H2 and on PostgreSQL alike.
 */
@ExtendWith(ArquillianExtension.class)
class IdempotentBatchIT {

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());
    private final String tag = UUID.randomUUID().toString().substring(0, 8);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    /**
     * A batch sent with an Idempotency-Key (docs/adr/0024) is created once: a retry with the same key and body gets the
     * first answer's subscriptions (Idempotent-Replayed), the same key with another body is idempotency-key-reused, a
     * key that is not 1-255 printable ASCII characters invalid-request, and two requests with one key at the same time
     * create one batch between them (the other answers conflict, or the first one's answer if it came after).
     */
    // covers S2S-6
    @Test
    void aBatchRetriedWithItsIdempotencyKeyIsCreatedOnce() throws Exception {
        String sink = api.createJmsSink("idempotent batch " + tag);
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            items.add(Map.of("sinkId", sink, "filter", Map.of("subjects", List.of(subject(i)))));
        }
        Map<String, Object> batch = Map.of("subscriptions", items);
        Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());

        var first = api.postJson("/api/subscriptions/batch", batch, key);
        assertThat(first.status()).as("%s", first).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        List<String> ids = first.body().get("subscriptions").findValuesAsText("id");
        assertThat(ids).hasSize(3);
        var retried = api.postJson("/api/subscriptions/batch", batch, key);
        assertThat(retried.status()).as("%s", retried).isEqualTo(201);
        assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retried.body().get("subscriptions").findValuesAsText("id")).isEqualTo(ids);
        assertThat(api.get("/api/subscriptions?sinkId=" + sink).body().findValuesAsText("id"))
                .as("created once").containsExactlyInAnyOrderElementsOf(ids);
        var matched = api.post("/api/matches", "application/cloudevents+json", Events.json(Events.event(
                Events.uniqueSource(), "org.example.mail.MessageNew", subject(1))).getBytes(StandardCharsets.UTF_8));
        assertThat(matched.body().get("matches").findValuesAsText("subscriptionId")).containsExactly(ids.get(1));

        // one deleted since: the replay keeps the positions, the deleted one by its id alone
        assertThat(api.delete("/api/subscriptions/" + ids.get(0)).status()).isEqualTo(204);
        var afterDelete = api.postJson("/api/subscriptions/batch", batch, key);
        assertThat(afterDelete.status()).as("%s", afterDelete).isEqualTo(201);
        var replayed = afterDelete.body().get("subscriptions");
        assertThat(replayed.findValuesAsText("id")).isEqualTo(ids);
        assertThat(replayed.get(0).has("sinkId")).as("the deleted one, by its id alone").isFalse();
        assertThat(replayed.get(1).get("sinkId").asText()).isEqualTo(sink);
        assertThat(api.get("/api/subscriptions?sinkId=" + sink).body().findValuesAsText("id"))
                .as("nothing created again").containsExactlyInAnyOrderElementsOf(ids.subList(1, 3));

        var reused = api.postJson("/api/subscriptions/batch", Map.of("subscriptions", items.subList(0, 2)), key);
        assertThat(reused.status()).as("%s", reused).isEqualTo(422);
        assertThat(reused.code()).isEqualTo("idempotency-key-reused");
        var badKey = api.postJson("/api/subscriptions/batch", batch, Map.of("Idempotency-Key", "k".repeat(256)));
        assertThat(badKey.status()).as("%s", badKey).isEqualTo(400);
        assertThat(badKey.code()).isEqualTo("invalid-request");
        assertThat(api.get("/api/subscriptions?sinkId=" + sink).body().findValuesAsText("id")).hasSize(2);

        // two at the same time with a new key: one batch between them
        String raced = api.createJmsSink("raced batch " + tag);
        Map<String, Object> racedBatch = Map.of("subscriptions", List.of(
                Map.of("sinkId", raced, "filter", Map.of("subjects", List.of(subject(99))))));
        Map<String, String> racedKey = Map.of("Idempotency-Key", UUID.randomUUID().toString());
        var start = new java.util.concurrent.CountDownLatch(1);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<AdminApi.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                replies.add(pool.submit(() -> {
                    start.await();
                    return api.postJson("/api/subscriptions/batch", racedBatch, racedKey);
                }));
            }
            start.countDown();
            for (var reply : replies) {
                var answer = reply.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(answer.status()).as("%s", answer).isIn(201, 409);
                if (answer.status() == 409) {
                    assertThat(answer.code()).isEqualTo("conflict");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> racedIds = api.get("/api/subscriptions?sinkId=" + raced).body().findValuesAsText("id");
        assertThat(racedIds).as("one batch between the two").hasSize(1);
        var afterRace = api.postJson("/api/subscriptions/batch", racedBatch, racedKey);
        assertThat(afterRace.status()).isEqualTo(201);
        assertThat(afterRace.body().get("subscriptions").findValuesAsText("id")).isEqualTo(racedIds);
    }

    /**
     * POST /api/subscriptions takes a key too: a retry gets the same subscription (Location and body) and creates no
     * second one, audited once as subscription.create; another body with the key is idempotency-key-reused; and a key
     * is its call's own, so the same key on the batch call creates that batch.
     */
    // covers S2S-6
    @Test
    void aSubscriptionRetriedWithItsIdempotencyKeyIsCreatedOnce() {
        String sink = api.createJmsSink("idempotent one " + tag);
        Map<String, Object> one = Map.of("sinkId", sink, "filter", Map.of("subjects", List.of(subject(50))));
        Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());

        var first = api.postJson("/api/subscriptions", one, key);
        assertThat(first.status()).as("%s", first).isEqualTo(201);
        String id = first.body().get("id").asText();
        assertThat(first.header("Location")).endsWith("/api/subscriptions/" + id);
        var retried = api.postJson("/api/subscriptions", one, key);
        assertThat(retried.status()).as("%s", retried).isEqualTo(201);
        assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retried.header("Location")).isEqualTo(first.header("Location"));
        assertThat(retried.body().get("id").asText()).isEqualTo(id);
        assertThat(api.get("/api/subscriptions?sinkId=" + sink).body().findValuesAsText("id")).containsExactly(id);
        assertThat(api.get("/api/audit?target=" + id).body().findValuesAsText("action"))
                .containsExactly("subscription.create");

        var reused = api.postJson("/api/subscriptions", Map.of("sinkId", sink, "filter",
                Map.of("subjects", List.of(subject(51)))), key);
        assertThat(reused.status()).as("%s", reused).isEqualTo(422);
        assertThat(reused.code()).isEqualTo("idempotency-key-reused");
        var batch = api.postJson("/api/subscriptions/batch", Map.of("subscriptions", List.of(Map.of("sinkId", sink,
                "filter", Map.of("subjects", List.of(subject(52)))))), key);
        assertThat(batch.status()).as("%s", batch).isEqualTo(201);
        assertThat(batch.header("Idempotent-Replayed")).as("the batch call's own key").isNull();
        assertThat(api.get("/api/subscriptions?sinkId=" + sink).body().findValuesAsText("id")).hasSize(2);
    }

    /**
     * Two requests with one key at the same time, made certain: the test holds the key's row uncommitted, as a first
     * request would until its commit, while a second one creates its batch and comes to remember it. Once the first
     * commits, the second is refused as conflict and nothing of it stays: its retry is told the key was used.
     */
    // covers S2S-6
    @Test
    void aRequestThatMeetsTheSameKeyCommittedFirstCreatesNothing() throws Exception {
        AdminApi.Reply subscriber = api.postJson("/api/subscribers", Map.of("name", "idempotent " + tag));
        assertThat(subscriber.status()).isEqualTo(201);
        String subscriberId = subscriber.body().get("id").asText();
        assertThat(api.postJson("/api/grants", Map.of("principalKind", "subscriber", "principalId", subscriberId,
                "kind", "see", "subjects", List.of(subject(7)))).status()).isEqualTo(201);
        AdminApi asSubscriber = api.withToken(api.issueToken("subscribers", subscriberId));
        AdminApi.Reply sink = asSubscriber.postJson("/api/sinks", Map.of("name", "own " + tag, "channel", "jms"));
        assertThat(sink.status()).isEqualTo(201);
        String sinkId = sink.body().get("id").asText();
        Map<String, Object> batch = Map.of("subscriptions", List.of(
                Map.of("sinkId", sinkId, "filter", Map.of("subjects", List.of(subject(7))))));
        String key = UUID.randomUUID().toString();

        try (Connection first = TestEnvironment.openDatabase()) {
            first.setAutoCommit(false);
            try (var insert = first.prepareStatement("INSERT INTO idempotent_request (caller, operation, idem_key, "
                    + "fingerprint, created_ids, created_at) "
                    + "VALUES (?, 'subscriptions.batch', ?, ?, '', CURRENT_TIMESTAMP)")) {
                insert.setString(1, "subscriber:" + subscriberId);
                insert.setString(2, key);
                insert.setBytes(3, new byte[32]);
                insert.executeUpdate();
            }
            var second = CompletableFuture.supplyAsync(() -> asSubscriber.postJson("/api/subscriptions/batch", batch,
                    Map.of("Idempotency-Key", key)));
            try (Connection watcher = TestEnvironment.openDatabase()) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> second.isDone() || rememberingBlocked(watcher));
            }
            assertThat(second).as("the request waits for the key's row, not done").isNotDone();
            first.commit();
            AdminApi.Reply refused = second.get(60, TimeUnit.SECONDS);
            assertThat(refused.status()).as("%s", refused).isEqualTo(409);
            assertThat(refused.code()).isEqualTo("conflict");
        }
        assertThat(api.get("/api/subscriptions?sinkId=" + sinkId).body().findValuesAsText("id"))
                .as("nothing of the refused batch").isEmpty();
        var retried = asSubscriber.postJson("/api/subscriptions/batch", batch, Map.of("Idempotency-Key", key));
        assertThat(retried.code()).as("%s", retried).isEqualTo("idempotency-key-reused");
    }

    /** Whether a session waits on a lock while it remembers a batch's key (H2 and PostgreSQL show it differently). */
    private static boolean rememberingBlocked(Connection watcher) throws SQLException {
        String query = TestEnvironment.postgres()
                ? "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        + "AND query LIKE 'INSERT INTO idempotent_request%'"
                // H2 names no blocker for a row lock: an insert still running is one that waits
                : "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS "
                        + "WHERE EXECUTING_STATEMENT LIKE 'INSERT INTO idempotent_request%'";
        try (var statement = watcher.createStatement(); var rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getLong(1) > 0;
        }
    }

    private String subject(int i) {
        return "mailto:idempotent-" + tag + "-" + i + "@example.com";
    }
}
