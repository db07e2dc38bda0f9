package org.tidings.bench.crash;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Provisions the crash test through Tidings' admin API, as an operator would: one source, one JMS sink, and one
 * subscription per user, each on that user's subject, so every event matches exactly one of them; and one webhook
 * sink with one subscription on the crash source and type, so every event also goes to the webhook receiver.
 */
final class AdminApi {

    /** The first administrator's token, which the benchmark script gives Tidings and this tool (TIDINGS_ADMIN_TOKEN). */
    private static final String AUTHORIZATION = "Bearer " + System.getenv().getOrDefault("TIDINGS_ADMIN_TOKEN", "");

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SECRET = Pattern.compile("\"secret\"\\s*:\\s*\"(whsec_[^\"]+)\"");
    private static final Pattern BACKLOG = Pattern.compile("\"backlog\"\\s*:\\s*(\\d+)");
    private static final Pattern INDEXED = Pattern.compile("\"indexed\"\\s*:\\s*(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    AdminApi(String base) {
        this.base = base;
    }

    /** The ids of the sinks: the JMS sink's queue is {@code tidings.sink.<id>}. */
    record Sinks(String jms, String webhook) {
    }

    /**
     * Provisions everything; the webhook sink's secret, shown once at its creation, goes to {@code secretFile}
     * (readable by its owner only) for the receiver, never to the output.
     */
    Sinks provision(int users, String webhookUrl, Path secretFile) throws IOException, InterruptedException {
        String source = idOf(post("/api/sources", "{\"name\":\"crash test store\",\"uri\":\"" + CrashEvents.SOURCE
                + "\"}"));
        for (String kind : new String[] {"send", "route"}) { // default is deny (docs/adr/0022)
            post("/api/grants", "{\"principalKind\":\"source\",\"principalId\":\"" + source + "\",\"kind\":\""
                    + kind + "\",\"all\":true}");
        }
        String sink = idOf(post("/api/sinks", "{\"name\":\"crash test sink\",\"channel\":\"jms\"}"));
        for (int user = 0; user < users; user++) {
            post("/api/subscriptions", "{\"sinkId\":\"" + sink + "\",\"filter\":{\"subjects\":[\""
                    + CrashEvents.subject(user) + "\"]}}");
        }
        String created = post("/api/sinks", "{\"name\":\"crash test webhook\",\"channel\":\"webhook\",\"url\":\""
                + webhookUrl + "\"}");
        String webhook = idOf(created);
        Matcher secret = SECRET.matcher(created);
        if (!secret.find()) {
            throw new IOException("the webhook sink's creation returned no secret");
        }
        Files.writeString(secretFile, secret.group(1) + System.lineSeparator(), StandardOpenOption.CREATE_NEW);
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
        post("/api/subscriptions", "{\"sinkId\":\"" + webhook + "\",\"filter\":{\"types\":[\"" + CrashEvents.TYPE
                + "\"],\"sources\":[\"" + CrashEvents.SOURCE + "\"]}}");
        awaitIndexed(users + 1);
        return new Sinks(sink, webhook);
    }

    /** Subscription changes reach the matching index by a change notice: wait until the dry run counts them all. */
    private void awaitIndexed(int subscriptions) throws IOException, InterruptedException {
        String probe = new CrashEvents("probe", 1).body(0);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Matcher indexed = INDEXED.matcher(post("/api/matches", probe));
            if (indexed.find() && Integer.parseInt(indexed.group(1)) >= subscriptions) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the matching index did not reach " + subscriptions + " subscriptions in 30 s");
            }
            Thread.sleep(200);
        }
    }

    /** What the delivery ledger holds for one event (the JSON the API answers), to explain a lost webhook. */
    String deliveries(String source, String id) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/deliveries?source="
                + URLEncoder.encode(source, StandardCharsets.UTF_8) + "&id=" + URLEncoder.encode(id,
                StandardCharsets.UTF_8)))
                .header("Authorization", AUTHORIZATION).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    /** The number of notifications of a webhook sink waiting in the delivery ledger. */
    long backlog(String sink) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/sinks/" + sink + "/status"))
                .header("Authorization", AUTHORIZATION)
                .timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Matcher backlog = BACKLOG.matcher(response.body());
        if (response.statusCode() != 200 || !backlog.find()) {
            throw new IOException("GET the sink's status answered " + response.statusCode() + ": " + response.body());
        }
        return Long.parseLong(backlog.group(1));
    }

    private String post(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", AUTHORIZATION).timeout(Duration.ofSeconds(30))
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
