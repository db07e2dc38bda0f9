package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.tidings.it.PipelineIT.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Purge sinks against a real Varnish (Debian's package, 7.1) that this class starts on 127.0.0.1 with
 * resources/varnish/purge-test.vcl, in front of an origin on 127.0.0.1 that serves cacheable pages and counts how
 * often each is fetched: a cached page is fetched from the origin again (a MISS) after an event about it, for a
 * single URI, an atomic list, a prefix and surrogate keys (the xkey vmod of Debian's varnish-modules); a storm of invalidations of one URI reaches Varnish as far fewer PURGEs
 * (counted by varnishstat). Without varnishd the class fails, pointing at .ci/varnish.sh, rather than skip.
 */
@ExtendWith(ArquillianExtension.class)
class PurgeIT {

    private static final String TYPE = "org.example.page.Changed";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final Map<String, AtomicInteger> originFetches = new ConcurrentHashMap<>();
    /** The surrogate keys the origin tags a page with (its xkey response header), by Host and path. */
    private static final Map<String, String> originKeys = new ConcurrentHashMap<>();
    private static HttpServer origin;
    private static Process varnish;
    private static Path varnishDir;
    private static int varnishPort;

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    @BeforeAll
    static void startOriginAndVarnish() throws Exception {
        Path varnishd = Path.of("/usr/sbin/varnishd");
        assertThat(Files.isExecutable(varnishd) || onPath("varnishd"))
                .as("varnishd is missing: PurgeIT needs Varnish (run .ci/varnish.sh, which CI runs too)").isTrue();
        origin = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        origin.createContext("/", exchange -> {
            try (exchange) {
                String page = exchange.getRequestHeaders().getFirst("Host") + exchange.getRequestURI();
                int fetches = originFetches.computeIfAbsent(page, p -> new AtomicInteger()).incrementAndGet();
                byte[] body = (page + " #" + fetches).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Cache-Control", "max-age=3600");
                if (originKeys.containsKey(page)) {
                    exchange.getResponseHeaders().set("xkey", originKeys.get(page));
                }
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        origin.start();
        // readable by all: varnishd drops root for its own users (varnish, vcache) before it reads the VCL
        varnishDir = Files.createTempDirectory("tidings-varnish",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path vcl = varnishDir.resolve("purge-test.vcl");
        try (InputStream template = PurgeIT.class.getResourceAsStream("/varnish/purge-test.vcl")) {
            Files.writeString(vcl, new String(template.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@ORIGIN_PORT@", Integer.toString(origin.getAddress().getPort())));
        }
        Files.setPosixFilePermissions(vcl, PosixFilePermissions.fromString("rw-r--r--"));
        varnishPort = TestEnvironment.freePort();
        varnish = new ProcessBuilder(Files.isExecutable(varnishd) ? varnishd.toString() : "varnishd", "-F",
                "-n", varnishDir.resolve("work").toString(), "-a", "127.0.0.1:" + varnishPort,
                "-f", vcl.toString(), "-s", "malloc,32m")
                .redirectErrorStream(true).redirectOutput(varnishDir.resolve("varnishd.log").toFile()).start();
        await().atMost(WAIT).until(() -> {
            assertThat(varnish.isAlive()).as("varnishd stopped: " + Files.readString(
                    varnishDir.resolve("varnishd.log"))).isTrue();
            try {
                return fetch("probe.example.com", "/").status() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stopVarnishAndOrigin() throws Exception {
        if (varnish != null) {
            varnish.destroy();
            if (!varnish.waitFor(10, TimeUnit.SECONDS)) {
                varnish.destroyForcibly();
            }
        }
        if (origin != null) {
            origin.stop(0);
        }
        if (varnishDir != null) {
            try (var paths = Files.walk(varnishDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Varnish's answer to a GET: status, X-Varnish (two ids on a HIT) and body. */
    record Page(int status, String xVarnish, String body) {
        boolean hit() {
            return xVarnish != null && xVarnish.strip().contains(" ");
        }
    }

    /** A GET through Varnish with the Host of the page (which java.net.http would not send). */
    private static Page fetch(String host, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", varnishPort), 2000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            String[] headAndBody = answer.split("\r\n\r\n", 2);
            String[] lines = headAndBody[0].split("\r\n");
            String xVarnish = null;
            for (String line : lines) {
                if (line.regionMatches(true, 0, "X-Varnish:", 0, 10)) {
                    xVarnish = line.substring(10).strip();
                }
            }
            return new Page(Integer.parseInt(lines[0].split(" ")[1]), xVarnish,
                    headAndBody.length > 1 ? headAndBody[1] : "");
        }
    }

    private static int fetchesOf(String host, String path) {
        return originFetches.getOrDefault(host + path, new AtomicInteger()).get();
    }

    /** Fetches the page twice: the first comes from the origin, the second is a HIT. */
    private static void cached(String host, String path) throws IOException {
        int before = fetchesOf(host, path);
        fetch(host, path);
        Page again = fetch(host, path);
        assertThat(again.hit()).as(host + path + " is a HIT the second time: " + again).isTrue();
        assertThat(fetchesOf(host, path)).isEqualTo(before + 1);
    }

    private static long varnishCounter(String name) throws Exception {
        Process stat = new ProcessBuilder("varnishstat", "-n", varnishDir.resolve("work").toString(), "-1", "-f",
                name).redirectErrorStream(true).start();
        String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(stat.waitFor(10, TimeUnit.SECONDS)).isTrue();
        for (String line : out.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2 && fields[0].equals(name)) {
                return Long.parseLong(fields[1]);
            }
        }
        throw new AssertionError("varnishstat has no " + name + ": " + out);
    }

    /** A source, a purge sink on the Varnish, and a subscription of the sink to TYPE from the source. */
    private record Route(String source, String sink) {
    }

    private Route route(List<String> caches) {
        return route(Map.of("name", "varnish", "channel", "purge", "caches", caches));
    }

    private Route route(Map<String, Object> settings) {
        String source = Events.uniqueSource();
        api.createSource("shop", source);
        var created = api.postJson("/api/sinks", settings);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String sink = created.body().get("id").asText();
        api.subscribe(sink, Map.of("types", List.of(TYPE), "sources", List.of(source)));
        return new Route(source, sink);
    }

    private Route route() {
        return route(List.of("http://127.0.0.1:" + varnishPort));
    }

    private CloudEvent send(Route route, String subject, Map<String, String> extensions) {
        var builder = CloudEventBuilder.v1(Events.event(route.source(), TYPE, subject));
        extensions.forEach(builder::withExtension);
        CloudEvent event = builder.build();
        var accepted = api.post("/events", "application/cloudevents+json",
                Events.json(event).getBytes(StandardCharsets.UTF_8));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return event;
    }

    private JsonNode delivery(Route route, CloudEvent event) {
        var deliveries = api.get("/api/deliveries?source=" + route.source() + "&id=" + event.getId()).body();
        assertThat(deliveries).hasSize(1);
        return deliveries.get(0);
    }

    private void awaitStatus(Route route, CloudEvent event, String status) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(delivery(route, event).get("status").asText())
                .as(delivery(route, event).toString()).isEqualTo(status));
    }

    // covers RUP-1
    @Test
    void aCachedPageIsAMissAfterAnEventAboutIt() throws Exception {
        Route route = route();
        JsonNode shown = api.get("/api/sinks/" + route.sink()).body();
        assertThat(shown.get("channel").asText()).isEqualTo("purge");
        assertThat(shown.get("caches")).hasSize(1);
        assertThat(shown.get("purgeMethod").asText()).isEqualTo("PURGE");
        assertThat(shown.get("banMethod").asText()).isEqualTo("BAN");
        assertThat(shown.get("banHeader").asText()).isEqualTo("X-Ban-Prefix");
        cached("www.example.com", "/news/1?page=2");
        cached("www.example.com", "/news/2");

        CloudEvent event = send(route, "http://www.example.com/news/1?page=2", Map.of());
        awaitStatus(route, event, "delivered");
        assertThat(delivery(route, event).get("lastAnswer").asText()).contains("HTTP 200");

        assertThat(fetch("www.example.com", "/news/1?page=2").hit()).isFalse();
        assertThat(fetchesOf("www.example.com", "/news/1?page=2")).isEqualTo(2);
        assertThat(fetch("www.example.com", "/news/2").hit()).as("another page stays cached").isTrue();
    }

    // covers RUP-1, RUP-7
    @Test
    void anAtomicListPurgesEachOfItsUrisAndAPrefixBansEveryPageUnderIt() throws Exception {
        Route route = route();
        for (String path : List.of("/list/a", "/list/b", "/list/c", "/shop/1", "/shop/2", "/shopping", "/blog/1")) {
            cached("www.example.com", path);
        }
        cached("other.example.com", "/shop/1");

        CloudEvent list = send(route, "urn:example:catalogue", Map.of("tidingsuris",
                "http://www.example.com/list/a http://www.example.com/list/b"));
        CloudEvent prefix = send(route, "urn:example:shop", Map.of("tidingsprefix", "http://www.example.com/shop/"));
        awaitStatus(route, list, "delivered");
        awaitStatus(route, prefix, "delivered");

        assertThat(fetch("www.example.com", "/list/a").hit()).isFalse();
        assertThat(fetch("www.example.com", "/list/b").hit()).isFalse();
        assertThat(fetch("www.example.com", "/list/c").hit()).as("not in the list").isTrue();
        assertThat(fetch("www.example.com", "/shop/1").hit()).isFalse();
        assertThat(fetch("www.example.com", "/shop/2").hit()).isFalse();
        assertThat(fetch("www.example.com", "/shopping").hit()).as("not under /shop/").isTrue();
        assertThat(fetch("www.example.com", "/blog/1").hit()).as("another path").isTrue();
        assertThat(fetch("other.example.com", "/shop/1").hit()).as("another host").isTrue();
        assertThat(fetchesOf("www.example.com", "/shop/2")).isEqualTo(2);
    }

    // covers RUP-1
    @Test
    void surrogateKeysPurgeEveryPageTaggedWithThemAndNoOther() throws Exception {
        Route route = route(Map.of("name", "varnish xkey", "channel", "purge",
                "caches", List.of("http://127.0.0.1:" + varnishPort), "keyHeader", "xkey-purge"));
        JsonNode shown = api.get("/api/sinks/" + route.sink()).body();
        assertThat(shown.get("keyHeader").asText()).isEqualTo("xkey-purge");
        assertThat(shown.get("keyMethod").asText()).isEqualTo("PURGE");
        String key = "product-" + UUID.randomUUID();
        originKeys.put("www.example.com/keys/a", "catalogue " + key);
        originKeys.put("shop.example.com/keys/b", key);
        originKeys.put("www.example.com/keys/c", "catalogue");
        for (String page : List.of("www.example.com/keys/a", "shop.example.com/keys/b", "www.example.com/keys/c",
                "www.example.com/keys/d")) {
            int slash = page.indexOf('/');
            cached(page.substring(0, slash), page.substring(slash));
        }

        CloudEvent event = send(route, "urn:example:product:7", Map.of("tidingskeys", key));
        awaitStatus(route, event, "delivered");
        assertThat(delivery(route, event).get("lastAnswer").asText()).contains("HTTP 200 Invalidated 2 objects");

        assertThat(fetch("www.example.com", "/keys/a").hit()).as("tagged with the key").isFalse();
        assertThat(fetch("shop.example.com", "/keys/b").hit()).as("tagged with the key, another host").isFalse();
        assertThat(fetchesOf("www.example.com", "/keys/a")).isEqualTo(2);
        assertThat(fetchesOf("shop.example.com", "/keys/b")).isEqualTo(2);
        assertThat(fetch("www.example.com", "/keys/c").hit()).as("tagged with another key").isTrue();
        assertThat(fetch("www.example.com", "/keys/d").hit()).as("not tagged").isTrue();

        var badKeyHeader = api.postJson("/api/sinks", Map.of("name", "bad", "channel", "purge",
                "caches", List.of("http://127.0.0.1:6081"), "keyHeader", "Content-Length"));
        assertProblem(badKeyHeader, 400, "invalid-request");
        assertThat(badKeyHeader.body().path("detail").asText()).startsWith("keyHeader must not be");
        var keyMethodAlone = api.postJson("/api/sinks", Map.of("name", "bad", "channel", "purge",
                "caches", List.of("http://127.0.0.1:6081"), "keyMethod", "PURGE"));
        assertProblem(keyMethodAlone, 400, "invalid-request");
    }

    // covers RUP-17
    @Test
    void aStormOfInvalidationsOfOneUriReachesVarnishAsFarFewerPurges() throws Exception {
        Route route = route();
        int sinks = 10; // ten tenants' purge sinks on one shared cache: each event is ten notifications at once
        for (int i = 1; i < sinks; i++) {
            var created = api.postJson("/api/sinks", Map.of("name", "tenant " + i, "channel", "purge",
                    "caches", List.of("http://127.0.0.1:" + varnishPort)));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            api.subscribe(created.body().get("id").asText(),
                    Map.of("types", List.of(TYPE), "sources", List.of(route.source())));
        }
        cached("www.example.com", "/hot");
        long purgesBefore = varnishCounter("MAIN.n_purges");
        int events = 10;
        List<Future<CloudEvent>> sent = new ArrayList<>();
        ExecutorService sources = Executors.newFixedThreadPool(events);
        CountDownLatch start = new CountDownLatch(1);
        long began;
        try {
            for (int i = 0; i < events; i++) {
                String subject = "urn:example:item:" + i; // ten subjects, all naming the same page
                sent.add(sources.submit(() -> {
                    start.await();
                    return send(route, subject, Map.of("tidingsuris", "http://www.example.com/hot"));
                }));
            }
            began = System.nanoTime();
            start.countDown();
            for (Future<CloudEvent> event : sent) {
                event.get();
            }
        } finally {
            sources.shutdown();
        }
        long sending = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        for (Future<CloudEvent> event : sent) {
            CloudEvent accepted = event.get();
            await().atMost(WAIT).untilAsserted(() -> {
                var deliveries = api.get("/api/deliveries?source=" + route.source() + "&id=" + accepted.getId())
                        .body();
                assertThat(deliveries).hasSize(sinks);
                deliveries.forEach(d -> assertThat(d.get("status").asText()).as(d.toString()).isEqualTo("delivered"));
            });
        }
        int notifications = sinks * events;
        long purges = varnishCounter("MAIN.n_purges") - purgesBefore;
        System.out.println("PurgeIT storm: " + events + " events accepted within " + sending + " ms, "
                + notifications + " notifications, " + purges + " PURGE(s) reached Varnish");
        // Even with the events far apart, an event's ten notifications reach the 8 consumers of tidings.deliver
        // together: one PURGE goes at once, the others join one (or, for the last two, a second) at the window's end.
        assertThat(purges).as("PURGEs that reached Varnish for " + notifications + " notifications").isPositive()
                .isLessThanOrEqualTo(notifications * 3 / 10);
        assertThat(fetch("www.example.com", "/hot").hit()).isFalse();
    }

    // covers RUP-17
    @Test
    void aStormOfOneSubjectToOneSinkIsCoalescedNotQueuedInLine() throws Exception {
        Route route = route();
        cached("www.example.com", "/live");
        long purgesBefore = varnishCounter("MAIN.n_purges");
        int events = 40;
        List<CloudEvent> sent = new ArrayList<>();
        // the notifications are held on tidings.deliver until all are there, so that they come to the purge channel
        // together however slowly a loaded machine routes the events (coalescing joins those within 100 ms)
        try (var held = TestEnvironment.paused("tidings.deliver"); var messaging = Messaging.asSource()) {
            for (int i = 0; i < events; i++) {
                // One subject, one sink. In one line (one JMS group, one ledger line) each notification would wait
                // for the window behind the one before it: one PURGE each.
                CloudEvent event = Events.event(route.source(), TYPE, "http://www.example.com/live");
                messaging.sendText("tidings.events", Events.json(event));
                sent.add(event);
            }
            await().atMost(WAIT).until(() -> TestEnvironment.messageCount("tidings.deliver") >= events);
        }
        for (CloudEvent accepted : sent) {
            awaitStatus(route, accepted, "delivered");
        }
        long purges = varnishCounter("MAIN.n_purges") - purgesBefore;
        System.out.println("PurgeIT one-subject storm: " + events + " events, " + purges + " PURGE(s) reached Varnish");
        assertThat(purges).as("PURGEs that reached Varnish for " + events + " events of one subject").isPositive()
                .isLessThanOrEqualTo(events / 2);
        assertThat(fetch("www.example.com", "/live").hit()).isFalse();
    }

    // covers RUP-1 (failures go through the delivery ledger's retries, then dead letters)
    @Test
    void aCacheThatCannotBeReachedIsRetriedThenDeadAndABadCacheIsRefusedAtCreation() throws Exception {
        int closed = TestEnvironment.freePort();
        Route route = route(List.of("http://127.0.0.1:" + closed));
        CloudEvent event = send(route, "http://www.example.com/news/9", Map.of());
        awaitStatus(route, event, "dead");
        assertThat(delivery(route, event).get("attempts").asInt()).isGreaterThan(1);

        var refused = api.postJson("/api/sinks", Map.of("name", "bad", "channel", "purge",
                "caches", List.of("ftp://127.0.0.1/")));
        assertProblem(refused, 400, "invalid-request");
        var badMethod = api.postJson("/api/sinks", Map.of("name", "bad", "channel", "purge",
                "caches", List.of("http://127.0.0.1:6081"), "purgeMethod", "PUR GE"));
        assertProblem(badMethod, 400, "invalid-request");
        var hostAsBanHeader = api.postJson("/api/sinks", Map.of("name", "bad", "channel", "purge",
                "caches", List.of("http://127.0.0.1:6081"), "banHeader", "Host"));
        assertProblem(hostAsBanHeader, 400, "invalid-request");
        assertThat(hostAsBanHeader.body().path("detail").asText()).startsWith("banHeader must not be");
    }
}
