package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.tidings.it.PipelineIT.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pull channel against clients that stop reading (docs/adr/0015, "Slow and stalled readers"): event streams
 * whose client never reads must not stall the other pull clients of the instance; the waiter limits per instance and
 * per subscription answer 503, the one per client address 429, each with Retry-After.
 */
@ExtendWith(ArquillianExtension.class)
class PullHostileIT {

    private static final String TYPE = "org.example.mail.MessageNew";
    /** More than the feed watch's eight reader threads: before the fix, these took all of them. */
    private static final int STALLED_CLIENTS = 10;
    private static final int LARGE_EVENTS = 40;
    private static final int PADDING = 120_000;
    /** Generous, not a speed goal: a stalled instance answers after Grizzly's 30 s write timeout, if at all. */
    private static final Duration PROMPTLY = Duration.ofSeconds(15);

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    private record Feed(String source, String subscription) {
        String path() {
            return "/api/subscriptions/" + subscription + "/notifications";
        }
    }

    private Feed feed(AdminApi admin) {
        String source = Events.uniqueSource();
        admin.createSource("mail store", source);
        var created = admin.postJson("/api/sinks", Map.of("name", "behind a firewall", "channel", "pull"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String sink = created.body().get("id").asText();
        return new Feed(source, admin.subscribe(sink, Map.of("types", List.of(TYPE), "sources", List.of(source))));
    }

    private void send(Feed feed, byte[] data) {
        CloudEvent event = CloudEventBuilder.v1(Events.event(feed.source(), TYPE, "mailto:ann@example.com"))
                .withData("application/json", data).build();
        var accepted = api.post("/events", "application/cloudevents+json",
                Events.json(event).getBytes(StandardCharsets.UTF_8));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    }

    private static byte[] small() {
        return "{\"mailbox\":\"INBOX\",\"uid\":42}".getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] large() {
        return ("{\"pad\":\"" + "x".repeat(PADDING) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An event stream whose client sends the request and never reads: its receive buffer is small, so the server's
     * writes to it block as soon as the socket buffers are full.
     */
    private static Socket stalledStream(Feed feed) throws IOException {
        var socket = new Socket();
        socket.setReceiveBufferSize(1024);
        URI base = URI.create(TestEnvironment.baseUrl());
        socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 5000);
        socket.getOutputStream().write(("GET " + feed.path() + "?after=0 HTTP/1.1\r\nHost: 127.0.0.1:"
                + base.getPort() + "\r\nAuthorization: " + AdminApi.adminAuthorization()
                + "\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** The first event of a stream that a reading client opens, as its data line. */
    private CompletableFuture<String> firstEventOf(Feed feed, long after) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(TestEnvironment.baseUrl() + feed.path()
                        + "?after=" + after))
                .header("Authorization", AdminApi.adminAuthorization()).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines())
                .thenApply(r -> {
                    try (Stream<String> lines = r.body()) {
                        return lines.filter(l -> l.startsWith("data:")).findFirst().orElseThrow();
                    }
                });
    }

    private CompletableFuture<HttpResponse<String>> longPoll(Feed feed, long after) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(TestEnvironment.baseUrl() + feed.path() + "?after="
                + after + "&wait=PT30S"))
                .header("Authorization", AdminApi.adminAuthorization()).build(), HttpResponse.BodyHandlers.ofString());
    }

    // covers RUP-2, RUP-13
    @Test
    void clientsThatStopReadingDoNotStallOtherPullClientsAndAFloodComesInBoundedPages() throws Exception {
        Feed flooded = feed(api);
        Feed calm = feed(api);
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < STALLED_CLIENTS; i++) {
                stalled.add(stalledStream(flooded));
            }
            for (int i = 0; i < LARGE_EVENTS; i++) {
                send(flooded, large());
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> holdsAll(flooded));

            // the stalled streams' writes block now; other clients of the instance are still served at once
            CompletableFuture<String> stream = firstEventOf(calm, 0);
            CompletableFuture<HttpResponse<String>> poll = longPoll(calm, 0);
            send(calm, small());
            String data = stream.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS).substring("data:".length()).strip();
            assertThat(AdminApi.JSON.readTree(data).get("tidingsseq").asLong()).isEqualTo(1);
            HttpResponse<String> answer = poll.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(AdminApi.JSON.readTree(answer.body()).get("notifications")).hasSize(1);

            CompletableFuture<HttpResponse<String>> again = longPoll(calm, 1);
            send(calm, small());
            JsonNode page = AdminApi.JSON.readTree(again.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS).body());
            assertThat(page.get("notifications").get(0).get("seq").asLong()).isEqualTo(2);

            // the flood in pages: 40 bodies of 120 KB pass tidings.pull.max-page-bytes (4 MiB), so a page asking for
            // a thousand stops before it, and the rest follows from its next position, none missed
            List<Long> seqs = new ArrayList<>();
            int pages = 0;
            long next = 0;
            while (seqs.size() < LARGE_EVENTS && pages++ < LARGE_EVENTS) {
                var read = api.get(flooded.path() + "?after=" + next + "&limit=1000");
                assertThat(read.status()).as(read.toString()).isEqualTo(200);
                int bytes = 0;
                for (JsonNode notification : read.body().get("notifications")) {
                    seqs.add(notification.get("seq").asLong());
                    bytes += notification.get("event").toString().length();
                }
                assertThat(read.body().get("notifications").size()).as("page %d", pages).isPositive();
                assertThat(bytes).as("page %d's events", pages).isLessThan(4 * 1024 * 1024 + PADDING * 2);
                next = read.body().get("next").asLong();
                assertThat(read.body().get("more").asBoolean()).as("page %d says whether more is there", pages)
                        .isEqualTo(seqs.size() < LARGE_EVENTS);
            }
            assertThat(pages).as("the first page was cut by its bytes").isGreaterThan(1);
            assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, LARGE_EVENTS).boxed().toList());
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    /** Whether the feed holds every large event (a position past its end answers 410 resync-required). */
    private boolean holdsAll(Feed feed) {
        var page = api.get(feed.path() + "?after=" + (LARGE_EVENTS - 1) + "&limit=1");
        return page.status() == 200 && page.body().get("notifications").size() == 1;
    }

    // covers RUP-13, RUP-17
    @Test
    void waitersAboveTheSubscriptionAddressOrInstanceLimitAreRefusedWithRetryAfter() throws Exception {
        try (var instance = SecondInstance.start(Map.of("tidings.pull.max-waiters", "4",
                "tidings.pull.max-waiters-per-subscription", "2", "tidings.pull.max-waiters-per-address", "3"))) {
            var second = new AdminApi(instance.baseUrl());
            Feed busy = feed(api);
            Feed other = feed(api);
            Feed third = feed(api);
            List<CompletableFuture<HttpResponse<Stream<String>>>> open = new ArrayList<>();
            Socket fromAnotherAddress = null;
            try {
                for (Feed feed : List.of(busy, busy)) {
                    open.add(openStream(instance.baseUrl(), feed));
                }
                var refused = second.get(busy.path() + "?wait=5");
                assertProblem(refused, 503, "unavailable");
                assertThat(refused.header("Retry-After")).as("Retry-After").isNotBlank();

                open.add(openStream(instance.baseUrl(), other));
                var greedy = second.get(third.path() + "?wait=5");
                assertProblem(greedy, 429, "rate-limited");
                assertThat(greedy.header("Retry-After")).as("Retry-After").isNotBlank();
                var greedyStream = http.send(HttpRequest.newBuilder(URI.create(instance.baseUrl() + third.path()))
                .header("Authorization", AdminApi.adminAuthorization())
                        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(greedyStream.statusCode()).isEqualTo(429);
                assertThat(AdminApi.JSON.readTree(greedyStream.body()).get("code").asText())
                        .isEqualTo("rate-limited");

                fromAnotherAddress = streamFrom("127.0.0.2", instance.baseUrl(), third);
                assertThat(statusLineOf(fromAnotherAddress)).as("another client address is not held back")
                        .startsWith("HTTP/1.1 200");
                var full = second.get(third.path() + "?wait=5");
                assertProblem(full, 503, "unavailable");
                assertThat(full.header("Retry-After")).as("Retry-After").isNotBlank();
                assertThat(second.get(third.path()).status()).as("a read that does not wait is not limited")
                        .isEqualTo(200);
            } finally {
                open.forEach(f -> f.thenAccept(r -> r.body().close()).cancel(true));
                if (fromAnotherAddress != null) {
                    fromAnotherAddress.close();
                }
            }
        }
    }

    /**
     * An event stream opened from another loopback address (127.0.0.0/8 is all loopback): the server sees a second
     * client address, the traffic still never leaves the machine.
     */
    private static Socket streamFrom(String localAddress, String base, Feed feed) throws IOException {
        var socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        int port = URI.create(base).getPort();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(("GET " + feed.path() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nAuthorization: " + AdminApi.adminAuthorization()
                + "\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** The status line the server answered on the socket (the server admits a stream before it answers). */
    private static String statusLineOf(Socket socket) throws IOException {
        var line = new StringBuilder();
        for (int c = socket.getInputStream().read(); c >= 0 && c != '\r'; c = socket.getInputStream().read()) {
            line.append((char) c);
        }
        return line.toString();
    }

    /** An event stream, open once its status came (the server admitted it before answering). */
    private CompletableFuture<HttpResponse<Stream<String>>> openStream(String base, Feed feed) throws Exception {
        var response = http.sendAsync(HttpRequest.newBuilder(URI.create(base + feed.path()))
                .header("Authorization", AdminApi.adminAuthorization())
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        return response;
    }
}
