import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP ingest, one event a request against batches (docs/adr/0025): how many events a second a running Tidings
 * accepts over POST /events. JDK only (java.net.http), run as a source file by bench/http-batch/run.
 *
 * <p>Arguments: the base URL, the admin token, then {@code provision} (prints the source URI it made) or
 * {@code <source uri> <events per request> <requests in flight> <events>}: sends {@code events} ~1 KB events, each
 * request's events in one batch (1: a single structured-mode event), and prints
 * {@code phase size=<n> inflight=<n> events=<n> seconds=<s> eps=<n> p50_ms=<n> p99_ms=<n>} (per request latency).
 * Every request must be answered 202 (single) or 200 with all accepted, or the run fails.
 */
public class HttpBatchRun {

    private static final String TYPE = "org.example.mail.MessageNew";

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        if (args[2].equals("provision")) {
            System.out.println(provision(http, base, token));
            return;
        }
        String source = args[2];
        int size = Integer.parseInt(args[3]);
        int inflight = Integer.parseInt(args[4]);
        int events = Integer.parseInt(args[5]);
        int requests = (events + size - 1) / size;
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(inflight);
        long started = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < inflight; t++) {
            workers.add(pool.submit(() -> {
                for (long r = next.getAndIncrement(); r < requests; r = next.getAndIncrement()) {
                    StringBuilder body = new StringBuilder(size * 1100);
                    if (size > 1) {
                        body.append('[');
                    }
                    for (int i = 0; i < size; i++) {
                        if (i > 0) {
                            body.append(',');
                        }
                        body.append(event(source, run + "-" + (r * size + i), (int) ((r * size + i) * 7919 % 10_000)));
                    }
                    if (size > 1) {
                        body.append(']');
                    }
                    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/events"))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", size > 1 ? "application/cloudevents-batch+json"
                                    : "application/cloudevents+json")
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
                    long sent = System.nanoTime();
                    HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                    latencies.add(System.nanoTime() - sent);
                    boolean ok = size > 1 ? answer.statusCode() == 200 && answer.body().contains("\"refused\":0")
                            : answer.statusCode() == 202;
                    if (!ok) {
                        throw new IllegalStateException("request " + r + ": " + answer.statusCode() + " "
                                + answer.body().substring(0, Math.min(500, answer.body().length())));
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("phase size=%d inflight=%d events=%d seconds=%.2f eps=%.0f p50_ms=%.1f p99_ms=%.1f%n", size,
                inflight, (long) requests * size, seconds, requests * size / seconds,
                sorted.get(sorted.size() / 2) / 1e6, sorted.get(Math.min(sorted.size() - 1,
                        (int) Math.ceil(sorted.size() * 0.99) - 1)) / 1e6);
    }

    /** About 1 KB: the shape of bench/e2e's events. */
    private static String event(String source, String id, int user) {
        String head = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"" + source + "\",\"type\":\"" + TYPE
                + "\",\"subject\":\"mailto:user" + user + "@example.com\",\"time\":\"2026-12-05T00:00:00Z\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"mailbox\":\"INBOX\",\"pad\":\"";
        return head + "x".repeat(Math.max(0, 1024 - head.length() - 4)) + "\"}}";
    }

    private static String provision(HttpClient http, String base, String token) throws Exception {
        String uri = "https://mail-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com/store";
        String created = post(http, base + "/api/sources", token, "{\"name\":\"batch bench\",\"uri\":\"" + uri + "\"}");
        String id = created.replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
        post(http, base + "/api/grants", token, "{\"principalKind\":\"source\",\"principalId\":\"" + id
                + "\",\"kind\":\"send\",\"all\":true}");
        post(http, base + "/api/grants", token, "{\"principalKind\":\"source\",\"principalId\":\"" + id
                + "\",\"kind\":\"route\",\"all\":true}");
        String sink = post(http, base + "/api/sinks", token, "{\"name\":\"batch bench\",\"channel\":\"jms\"}")
                .replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
        StringBuilder batch = new StringBuilder("{\"subscriptions\":[");
        for (int i = 0; i < 1000; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"sinkId\":\"").append(sink)
                    .append("\",\"filter\":{\"subjects\":[\"mailto:user").append(i).append("@example.com\"]}}");
        }
        post(http, base + "/api/subscriptions/batch", token, batch.append("]}").toString());
        return uri + " " + sink;
    }

    private static String post(HttpClient http, String url, String token, String json) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 201) {
            throw new IllegalStateException(url + ": " + answer.statusCode() + " " + answer.body());
        }
        return answer.body();
    }
}
