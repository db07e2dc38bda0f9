package org.tidings.bench.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Provisions the crash test through Tidings' admin API, as an operator would: one source, one JMS sink, and one
 * subscription per user, each on that user's subject, so every event matches exactly one.
 */
final class AdminApi {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern INDEXED = Pattern.compile("\"indexed\"\\s*:\\s*(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    AdminApi(String base) {
        this.base = base;
    }

    /** Returns the sink's id; its queue is {@code tidings.sink.<id>}. */
    String provision(int users) throws IOException, InterruptedException {
        post("/api/sources", "{\"name\":\"crash test store\",\"uri\":\"" + CrashEvents.SOURCE + "\"}");
        String sink = idOf(post("/api/sinks", "{\"name\":\"crash test sink\",\"channel\":\"jms\"}"));
        for (int user = 0; user < users; user++) {
            post("/api/subscriptions", "{\"sinkId\":\"" + sink + "\",\"filter\":{\"subjects\":[\""
                    + CrashEvents.subject(user) + "\"]}}");
        }
        awaitIndexed(users);
        return sink;
    }

    /** Subscription changes reach the matching index by a change notice: wait until the dry run counts them all. */
    private void awaitIndexed(int users) throws IOException, InterruptedException {
        String probe = new CrashEvents("probe", users).body(users - 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Matcher indexed = INDEXED.matcher(post("/api/matches", probe));
            if (indexed.find() && Integer.parseInt(indexed.group(1)) >= users) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the matching index did not reach " + users + " subscriptions in 30 s");
            }
            Thread.sleep(200);
        }
    }

    private String post(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static String idOf(String json) throws IOException {
        Matcher id = ID.matcher(json);
        if (!id.find()) {
            throw new IOException("no id in " + json);
        }
        return id.group(1);
    }
}
