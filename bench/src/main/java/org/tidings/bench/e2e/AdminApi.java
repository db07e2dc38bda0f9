package org.tidings.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/** Tidings' admin API on loopback, as an operator's script would use it: one JSON POST per object. */
final class AdminApi {

    /** The first administrator's token, which the benchmark script gives Tidings and this tool (TIDINGS_ADMIN_TOKEN). */
    private static final String AUTHORIZATION = "Bearer " + System.getenv().getOrDefault("TIDINGS_ADMIN_TOKEN", "");

    private static final int ATTEMPTS = 3;

    private static final int INDEX_POLLS = 600;

    /** Subscriptions per batch: the API's limit. */
    private static final int BATCH = 1000;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String base;

    AdminApi(int httpPort) {
        this.base = "http://127.0.0.1:" + httpPort;
    }

    /** A source with send and route grants of all (default is deny, docs/adr/0022). */
    String createSource(String name, String uri) throws IOException, InterruptedException {
        String id = post("/api/sources", Map.of("name", name, "uri", uri)).get("id").asText();
        for (String kind : List.of("send", "route")) {
            post("/api/grants", Map.of("principalKind", "source", "principalId", id, "kind", kind, "all", true));
        }
        return id;
    }

    String createSink(String name) throws IOException, InterruptedException {
        return post("/api/sinks", Map.of("name", name, "channel", "jms")).get("id").asText();
    }

    /** A webhook sink posting to {@code url}; its signing secret, returned once, is not kept. */
    String createWebhookSink(String name, String url) throws IOException, InterruptedException {
        return post("/api/sinks", Map.of("name", name, "channel", "webhook", "url", url)).get("id").asText();
    }

    /** One subscription of the sink to events about any of {@code subjects}; returns its id. */
    String subscribe(String sinkId, List<String> subjects) throws IOException, InterruptedException {
        return post("/api/subscriptions", Map.of("sinkId", sinkId, "filter", Map.of("subjects", subjects)))
                .get("id").asText();
    }

    /** Deletes a subscription, then its sink, discarding what still waits for the sink ({@code purge=true}). */
    void deleteSubscriptionAndSink(String subscriptionId, String sinkId) throws IOException, InterruptedException {
        delete("/api/subscriptions/" + subscriptionId);
        delete("/api/sinks/" + sinkId + "?purge=true");
    }

    private void delete(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", AUTHORIZATION)
                .timeout(Duration.ofSeconds(60)).DELETE().build();
        var response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** A webhook sink's delivery status (backlog, delivered, dead, circuit), as the API shows it. */
    String sinkStatus(String sinkId) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(base + "/api/sinks/" + sinkId + "/status"))
                .header("Authorization", AUTHORIZATION)
                .timeout(Duration.ofSeconds(60)).GET().build();
        return read(http.send(request, HttpResponse.BodyHandlers.ofString())).toString();
    }

    /**
     * Subscribes the sink to each of {@code count} subjects, one subscription each, in batches of {@value #BATCH}
     * (POST /api/subscriptions/batch, docs/adr/0024), {@code parallel} batches open at a time. A failed batch is
     * retried (a batch is all or none).
     */
    void subscribeSubjects(String sinkId, int count, int parallel) throws IOException, InterruptedException {
        var open = new Semaphore(parallel);
        var done = new AtomicInteger();
        var failures = new AtomicInteger();
        long start = System.nanoTime();
        for (int first = 0; first < count; first += BATCH) {
            open.acquire();
            List<Map<String, Object>> items = new ArrayList<>();
            for (int user = first; user < Math.min(count, first + BATCH); user++) {
                items.add(Map.of("sinkId", sinkId,
                        "filter", Map.of("subjects", new String[] {BenchEvents.subjectOf(user)})));
            }
            postAsync("/api/subscriptions/batch", Map.of("subscriptions", items), ATTEMPTS)
                    .whenComplete((created, failure) -> {
                        if (failure != null) {
                            failures.incrementAndGet();
                        }
                        int finished = done.addAndGet(items.size());
                        if (finished % 2000 == 0) {
                            Report.progress("provisioned %d subscriptions (%d/s)", finished,
                                    Report.perSecond(finished, start, System.nanoTime()));
                        }
                        open.release();
                    });
        }
        open.acquire(parallel);
        if (failures.get() > 0) {
            throw new IOException(failures.get() + " batches of subscriptions could not be created");
        }
    }

    /** How many subscriptions this instance's matching index holds, from the dry-run endpoint. */
    int indexedSubscriptions(String eventJson) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(base + "/api/matches"))
                .header("Authorization", AUTHORIZATION)
                .header("Content-Type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofString(eventJson)).build();
        return read(http.send(request, HttpResponse.BodyHandlers.ofString())).get("indexed").asInt();
    }

    /**
     * Waits until this instance's matching index holds a count of subscriptions that {@code reached} accepts, and
     * returns that count. Subscriptions reach the index through change notices, so it lags behind the API's answers.
     * Polls every 100 ms for at most a minute, then fails naming {@code what}.
     */
    int awaitIndexed(String eventJson, IntPredicate reached, String what) throws IOException, InterruptedException {
        for (int poll = 0; poll < INDEX_POLLS; poll++) {
            int indexed = indexedSubscriptions(eventJson);
            if (reached.test(indexed)) {
                return indexed;
            }
            Thread.sleep(100); // the index has no notice to wait on from outside; a poll, as an operator's script would
        }
        throw new IllegalStateException("the matching index did not take " + what);
    }

    private JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return read(http.send(request(path, body), HttpResponse.BodyHandlers.ofString()));
    }

    private CompletableFuture<JsonNode> postAsync(String path, Object body, int attemptsLeft) {
        HttpRequest request;
        try {
            request = request(path, body);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(this::readUnchecked)
                .handle((node, failure) -> failure == null ? CompletableFuture.completedFuture(node)
                        : attemptsLeft > 1 ? postAsync(path, body, attemptsLeft - 1)
                        : CompletableFuture.<JsonNode>failedFuture(failure))
                .thenCompose(next -> next);
    }

    private HttpRequest request(String path, Object body) throws IOException {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", AUTHORIZATION).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build();
    }

    private JsonNode readUnchecked(HttpResponse<String> response) {
        try {
            return read(response);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode read(HttpResponse<String> response) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IOException(response.request().uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return json.readTree(response.body());
    }
}
