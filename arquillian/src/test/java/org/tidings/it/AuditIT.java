package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tidings.it.PipelineIT.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit log on the real stack (docs/adr/0020): every administrative change through the API is listed by GET
 * /api/audit, newest first, with who, what, target and when; secrets never appear in it; a refused change, and one
 * whose transaction rolled back, leave no record. Each record is committed with its change, before the API answers,
 * so the log is read at once: nothing here is asynchronous.
 */
@ExtendWith(ArquillianExtension.class)
class AuditIT {

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    /** What a test expects to find: an action on a target. */
    private record Entry(String action, String targetId) {
    }

    @Test
    void everyChangeIsListedNewestFirstWithWhoWhatTargetAndWhenAndNoSecret() {
        Instant started = Instant.now();
        String password = "pw-" + UUID.randomUUID();
        String username = "user-" + UUID.randomUUID();
        String token = "tok" + UUID.randomUUID().toString().replace("-", "");
        String queryKey = "qk-" + UUID.randomUUID();
        List<Entry> made = new ArrayList<>();

        String source = api.createSource("audited source", Events.uniqueSource());
        made.add(new Entry("source.create", source));
        assertThat(api.delete("/api/sources/" + source).status()).isEqualTo(204);
        made.add(new Entry("source.delete", source));

        var created = api.postJson("/api/sinks", Map.of("name", "audited sink", "channel", "webhook",
                "url", "http://127.0.0.1:9/hooks?key=" + queryKey,
                "auth", Map.of("type", "basic", "username", username, "password", password)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String sink = created.body().get("id").asText();
        String firstSecret = created.body().get("secret").asText();
        assertThat(created.header("Cache-Control")).as("an answer holding a secret").isEqualTo("no-store");
        assertThat(created.body().get("url").asText()).isEqualTo("http://127.0.0.1:9/hooks?(not shown)");
        assertThat(api.get("/api/sinks/" + sink).body().toString()).as("the query may hold a key")
                .doesNotContain(queryKey);
        made.add(new Entry("sink.create", sink));
        var patched = api.request("PATCH", "/api/sinks/" + sink, "application/merge-patch+json",
                ("{\"auth\":{\"type\":\"bearer\",\"token\":\"" + token + "\"}}").getBytes(StandardCharsets.UTF_8));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        made.add(new Entry("sink.update", sink));
        var rotated = api.postJson("/api/sinks/" + sink + "/secret", Map.of());
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        String secondSecret = rotated.body().get("secret").asText();
        assertThat(rotated.header("Cache-Control")).isEqualTo("no-store");
        made.add(new Entry("sink.rotate-secret", sink));

        String subscription = api.subscribe(sink, Map.of("types", List.of("com.example.audited")));
        made.add(new Entry("subscription.create", subscription));
        assertThat(api.putJson("/api/subscriptions/" + subscription,
                Map.of("filter", Map.of("types", List.of("com.example.changed")))).status()).isEqualTo(200);
        made.add(new Entry("subscription.update", subscription));
        assertThat(api.delete("/api/subscriptions/" + subscription).status()).isEqualTo(204);
        made.add(new Entry("subscription.delete", subscription));
        assertThat(api.delete("/api/sinks/" + sink).status()).isEqualTo(204);
        made.add(new Entry("sink.delete", sink));
        Instant finished = Instant.now();

        var answer = api.get("/api/audit?from=" + started.minusSeconds(1) + "&limit=1000");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        Set<String> targets = Set.of(source, sink, subscription);
        List<JsonNode> ours = new ArrayList<>();
        answer.body().forEach(record -> {
            if (targets.contains(record.path("targetId").asText())) {
                ours.add(record);
            }
        });
        List<Entry> newestFirst = new ArrayList<>(made);
        Collections.reverse(newestFirst);
        assertThat(ours).extracting(r -> new Entry(r.get("action").asText(), r.get("targetId").asText()))
                .containsExactlyElementsOf(newestFirst);
        Instant previous = finished.plusSeconds(1);
        for (JsonNode record : ours) {
            Instant at = Instant.parse(record.get("at").asText());
            assertThat(at).isBetween(started.minusSeconds(1), previous);
            previous = at;
            assertThat(record.get("targetType").asText()).isEqualTo(record.get("action").asText().split("\\.")[0]);
            // who: the authenticated caller principal, kind:id (docs/adr/0020, amendment)
            assertThat(record.get("actor").asText()).isNotBlank().isEqualTo(ours.get(0).get("actor").asText());
        }
        JsonNode sinkCreated = ours.get(ours.size() - 3);
        assertThat(sinkCreated.get("summary").asText()).contains("name=audited sink", "channel=webhook",
                "url=http://127.0.0.1:9/hooks?(not shown)", "auth=basic");
        assertThat(answer.body().toString()).doesNotContain(password, username, token, queryKey, firstSecret,
                secondSecret);

        var ofSink = api.get("/api/audit?target=" + sink);
        assertThat(ofSink.body()).extracting(r -> r.get("action").asText())
                .containsExactly("sink.delete", "sink.rotate-secret", "sink.update", "sink.create");
        var rotation = api.get("/api/audit?target=" + sink + "&action=sink.rotate-secret");
        assertThat(rotation.body()).hasSize(1);
        var firstPage = api.get("/api/audit?target=" + sink + "&limit=3");
        assertThat(firstPage.body()).hasSize(3);
        var secondPage = api.get("/api/audit?target=" + sink + "&limit=3&before="
                + firstPage.body().get(2).get("id").asText());
        assertThat(secondPage.body()).extracting(r -> r.get("action").asText()).containsExactly("sink.create");
    }

    @Test
    void aRefusedChangeLeavesNoRecord() {
        Instant started = Instant.now().minusSeconds(1);
        String name = "refused-" + UUID.randomUUID();
        // refused inside the EJB, after the secret was generated: credentials for a plain-http receiver elsewhere
        assertProblem(api.postJson("/api/sinks", Map.of("name", name, "channel", "webhook",
                "url", "http://receiver.example/hooks", "auth", Map.of("type", "bearer", "token", "t0ken"))),
                400, "invalid-auth");
        assertProblem(api.postJson("/api/subscriptions", Map.of("sinkId", UUID.randomUUID().toString(),
                "filter", Map.of("types", List.of("t")))), 400, "unknown-sink");
        String sink = api.createJmsSink(name);
        String subscription = api.subscribe(sink, Map.of("types", List.of("t")));
        assertProblem(api.delete("/api/sinks/" + sink), 409, "conflict");

        var log = api.get("/api/audit?from=" + started + "&limit=1000");
        assertThat(log.body().toString()).doesNotContain("t0ken");
        List<String> ofName = new ArrayList<>();
        log.body().forEach(record -> {
            if (record.path("summary").asText().contains(name)) {
                ofName.add(record.get("action").asText());
            }
        });
        assertThat(ofName).as("only the JMS sink that was created").containsExactly("sink.create");
        assertThat(api.get("/api/audit?target=" + sink).body()).extracting(r -> r.get("action").asText())
                .containsExactly("sink.create");
        assertThat(api.get("/api/audit?target=" + subscription).body()).hasSize(1);
        assertThat(api.get("/api/audit?action=subscription.create&from=" + started).body().toString())
                .doesNotContain("unknown");

        // a change that changed nothing leaves no record either: a token revoked again, dead letters redriven where
        // there are none
        String subscriber = api.postJson("/api/subscribers", Map.of("name", name)).body().get("id").asText();
        String token = api.postJson("/api/subscribers/" + subscriber + "/tokens", Map.of("label", "twice")).body()
                .get("id").asText();
        for (int i = 0; i < 2; i++) {
            assertThat(api.delete("/api/subscribers/" + subscriber + "/tokens/" + token).status()).isEqualTo(200);
        }
        assertThat(api.get("/api/audit?action=token.revoke&target=" + token).body()).as("revoked once").hasSize(1);
        try (var receiver = new WebhookReceiver(n -> 200)) {
            String hook = api.postJson("/api/sinks", Map.of("name", name, "channel", "webhook",
                    "url", receiver.url("/hook"))).body().get("id").asText();
            assertThat(api.postJson("/api/sinks/" + hook + "/dead-letters/redrive", Map.of()).body().get("redriven")
                    .asInt()).isZero();
            assertThat(api.get("/api/audit?target=" + hook).body()).extracting(r -> r.get("action").asText())
                    .containsExactly("sink.create");
            assertThat(api.delete("/api/sinks/" + hook).status()).isEqualTo(204);
        }
    }

    @Test
    void aChangeWhoseTransactionRolledBackLeavesNoRecord() throws Exception {
        Instant started = Instant.now().minusSeconds(1);
        String uri = Events.uniqueSource();
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<AdminApi.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                replies.add(pool.submit(() -> {
                    start.await();
                    return api.postJson("/api/sources", Map.of("name", "racer", "uri", uri));
                }));
            }
            start.countDown();
            int createdCount = 0;
            for (Future<AdminApi.Reply> reply : replies) {
                createdCount += reply.get().status() == 201 ? 1 : 0;
            }
            assertThat(createdCount).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }

        var log = api.get("/api/audit?action=source.create&from=" + started + "&limit=1000");
        List<String> ofUri = new ArrayList<>();
        log.body().forEach(record -> {
            if (record.path("summary").asText().contains(uri)) {
                ofUri.add(record.get("targetId").asText());
            }
        });
        assertThat(ofUri).as("the losers' records went with their transactions").hasSize(1);
    }

    /**
     * A batch of subscriptions (docs/adr/0024) on the database under test: each item stored and audited as one made
     * alone; a batch refused at its third item leaves neither subscriptions nor the audit records already written for
     * the first two (an audit record is inserted when it is persisted) behind.
     */
    @Test
    void aBatchIsStoredAndAuditedItemByItemOrNotAtAll() {
        Instant started = Instant.now().minusSeconds(1);
        String sink = api.createJmsSink("batch " + UUID.randomUUID());
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            items.add(Map.of("sinkId", sink, "filter", Map.of("types", List.of("com.example.batch" + i))));
        }
        var created = api.postJson("/api/subscriptions/batch", Map.of("subscriptions", items));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        List<String> ids = created.body().get("subscriptions").findValuesAsText("id");
        assertThat(api.get("/api/subscriptions?sinkId=" + sink).body().findValuesAsText("id"))
                .containsExactlyInAnyOrderElementsOf(ids).hasSize(50);
        assertThat(auditedCreations(started, sink)).containsExactlyInAnyOrderElementsOf(ids);

        String refusedSink = api.createJmsSink("refused batch " + UUID.randomUUID());
        Map<String, Object> good = Map.of("sinkId", refusedSink, "filter", Map.of("types", List.of("t")));
        assertProblem(api.postJson("/api/subscriptions/batch", Map.of("subscriptions", List.of(good, good,
                Map.of("sinkId", refusedSink, "filter", Map.of("groups", List.of(UUID.randomUUID())))))),
                400, "invalid-filter");
        assertThat(api.get("/api/subscriptions?sinkId=" + refusedSink).body()).isEmpty();
        assertThat(auditedCreations(started, refusedSink)).isEmpty();
    }

    /** The subscriptions whose creation the log shows for this sink since {@code from}. */
    private List<String> auditedCreations(Instant from, String sink) {
        var log = api.get("/api/audit?action=subscription.create&from=" + from + "&limit=1000");
        assertThat(log.status()).as(log.toString()).isEqualTo(200);
        List<String> targets = new ArrayList<>();
        log.body().forEach(record -> {
            if (record.path("summary").asText().contains("sink=" + sink)) {
                targets.add(record.get("targetId").asText());
            }
        });
        return targets;
    }

    @Test
    void theQueryIsChecked() {
        assertProblem(api.get("/api/audit?limit=0"), 400, "invalid-request");
        assertProblem(api.get("/api/audit?limit=1001"), 400, "invalid-request");
        assertProblem(api.get("/api/audit?from=yesterday"), 400, "invalid-request");
        assertThat(api.get("/api/audit?limit=1000").status()).isEqualTo(200);
    }
}
