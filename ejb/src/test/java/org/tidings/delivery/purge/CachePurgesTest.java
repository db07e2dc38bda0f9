package org.tidings.delivery.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.control.Transmitter;
import org.tidings.delivery.control.TransmitterContract;
import org.tidings.delivery.entity.Notification;
import org.tidings.delivery.webhook.AddressPolicy;
import org.tidings.delivery.webhook.Attempt;
import org.tidings.delivery.webhook.TricklingPeer;
import org.tidings.delivery.webhook.Attempt.Result;
import org.tidings.sinks.entity.PurgeSettings;
import org.tidings.sinks.entity.Sink;

/** The purge channel meets the transmitter contract, and purges what an event names on every cache. */
class CachePurgesTest extends TransmitterContract {

    private final List<HttpServer> caches = new CopyOnWriteArrayList<>();

    @Override
    protected Transmitter transmitter(AddressPolicy policy) {
        return new CachePurges(policy, Duration.ZERO, Duration.ofSeconds(2), READ_TIMEOUT);
    }

    @Override
    protected Sink sinkAt(URI target, Duration readTimeout) {
        return Sink.purge("cache", PurgeSettings.of(List.of(target), null, null, null, null, null), null,
                (int) readTimeout.toMillis(), Instant.now());
    }

    @Override
    protected int success() {
        return 200;
    }

    /** A request as a cache saw it. */
    record Seen(String method, String target, String host, String banHeader) {
        static Seen of(HttpExchange exchange, String banHeader) {
            return new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Host"),
                    banHeader == null ? null : exchange.getRequestHeaders().getFirst(banHeader));
        }
    }

    /** Another cache on 127.0.0.1 answering {@code status} and recording what it gets. */
    private URI cache(int status, List<HttpExchange> seen) throws IOException {
        return URI.create("http://127.0.0.1:" + cacheOn("127.0.0.1", 0, status, seen));
    }

    /** A cache on {@code address} and {@code port} (0: any free port) answering {@code status}; its port. */
    private int cacheOn(String address, int port, int status, List<HttpExchange> seen) throws IOException {
        HttpServer cache = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), port), 50);
        cache.createContext("/", exchange -> {
            try (exchange) {
                seen.add(exchange);
                exchange.sendResponseHeaders(status, -1);
            }
        });
        cache.start();
        caches.add(cache);
        return cache.getAddress().getPort();
    }

    /** A name service whose n-th lookup of any name answers the n-th address (the last one from then on). */
    private static final class Rebinding implements AddressPolicy.Lookup {
        private final List<String> answers;
        private final AtomicInteger lookups = new AtomicInteger();

        Rebinding(String... answers) {
            this.answers = List.of(answers);
        }

        @Override
        public InetAddress[] addresses(String host) throws UnknownHostException {
            int n = Math.min(lookups.getAndIncrement(), answers.size() - 1);
            return new InetAddress[] {InetAddress.getByName(answers.get(n))};
        }
    }

    @AfterEach
    void stopCaches() {
        caches.forEach(cache -> cache.stop(0));
    }

    private static Notification event(Sink sink, String subject, Map<String, String> extensions) {
        String id = UUID.randomUUID().toString();
        StringBuilder json = new StringBuilder("{\"specversion\":\"1.0\",\"id\":\"" + id
                + "\",\"source\":\"https://shop.example.com\",\"type\":\"org.example.page.Changed\",\"subject\":\""
                + subject + "\"");
        extensions.forEach((name, value) -> json.append(",\"").append(name).append("\":\"").append(value)
                .append('"'));
        byte[] body = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        return new Notification(Notification.idOf("https://shop.example.com", id, sink.id()), sink.id(),
                UUID.randomUUID(), subject, "https://shop.example.com", id, body);
    }

    private static Sink sink(List<URI> caches, String purgeMethod, String banMethod, String banHeader) {
        return Sink.purge("cache", PurgeSettings.of(caches, purgeMethod, banMethod, banHeader, null, null), null, null,
                Instant.now());
    }

    private static Sink keySink(List<URI> caches, String keyHeader, String keyMethod) {
        return Sink.purge("cache", PurgeSettings.of(caches, null, null, null, keyHeader, keyMethod), null, null,
                Instant.now());
    }

    private Attempt send(Sink sink, Notification notification) {
        return transmitter(AddressPolicy.defaults()).send(sink, notification);
    }

    @Test
    void aSinkStoredWithABanHeaderNowRefusedIsRefusedNotThrown() throws Exception {
        List<HttpExchange> seen = new CopyOnWriteArrayList<>();
        Sink sink = sink(List.of(cache(200, seen)), null, null, null);
        var banHeader = Sink.class.getDeclaredField("banHeader"); // as a row written before the rule would hold it
        banHeader.setAccessible(true);
        banHeader.set(sink, "Host");
        Attempt attempt = send(sink, event(sink, "https://www.example.com/a", Map.of()));
        assertThat(attempt.result()).isEqualTo(Result.REFUSED);
        assertThat(attempt.answer()).contains("no longer accepted");
        assertThat(seen).isEmpty();
    }

    @Test
    void aSinkStoredWithAKeyHeaderNowRefusedIsRefusedNotThrown() throws Exception {
        List<HttpExchange> seen = new CopyOnWriteArrayList<>();
        Sink sink = keySink(List.of(cache(200, seen)), "xkey-purge", null);
        var keyHeader = Sink.class.getDeclaredField("keyHeader"); // as a row written before the rule would hold it
        keyHeader.setAccessible(true);
        keyHeader.set(sink, "Content-Length");
        Attempt attempt = send(sink, event(sink, "https://www.example.com/a", Map.of("tidingskeys", "k1")));
        assertThat(attempt.result()).isEqualTo(Result.REFUSED);
        assertThat(attempt.answer()).contains("no longer accepted").contains("keyHeader");
        assertThat(seen).isEmpty();
    }

    @Test
    void surrogateKeysArePurgedInOneRequestPerCacheWithEveryKeyInTheKeyHeaderAndTheCachesOwnHost()
            throws IOException {
        List<HttpExchange> first = new CopyOnWriteArrayList<>();
        List<HttpExchange> second = new CopyOnWriteArrayList<>();
        URI one = cache(200, first);
        URI two = cache(200, second);
        Sink sink = keySink(List.of(one, two), "xkey-purge", null);
        Attempt attempt = send(sink, event(sink, "urn:example:product:42", Map.of("tidingskeys",
                " product-42  category:shoes product-42 sale ")));
        assertThat(attempt.result()).as(attempt.answer()).isEqualTo(Result.DELIVERED);
        assertThat(first).map(e -> Seen.of(e, "xkey-purge")).containsExactly(
                new Seen("PURGE", "/", one.getAuthority(), "product-42 category:shoes sale"));
        assertThat(second).map(e -> Seen.of(e, "xkey-purge")).containsExactly(
                new Seen("PURGE", "/", two.getAuthority(), "product-42 category:shoes sale"));
    }

    @Test
    void keysGoBesideTheUriPurgesWithTheSinksKeyMethod() throws IOException {
        List<HttpExchange> seen = new CopyOnWriteArrayList<>();
        URI cache = cache(200, seen);
        Sink sink = keySink(List.of(cache), "Surrogate-Key", "XKEY");
        Attempt attempt = send(sink, event(sink, "https://www.example.com/p/42", Map.of("tidingskeys", "p42")));
        assertThat(attempt.result()).as(attempt.answer()).isEqualTo(Result.DELIVERED);
        assertThat(seen).map(e -> Seen.of(e, "Surrogate-Key")).containsExactlyInAnyOrder(
                new Seen("PURGE", "/p/42", "www.example.com", null),
                new Seen("XKEY", "/", cache.getAuthority(), "p42"));
    }

    @Test
    void aSinkWithoutAKeyHeaderIgnoresTheKeys() throws IOException {
        List<HttpExchange> seen = new CopyOnWriteArrayList<>();
        Sink sink = sink(List.of(cache(200, seen)), null, null, null);
        Attempt keysOnly = send(sink, event(sink, "urn:example:product:42", Map.of("tidingskeys", "product-42")));
        assertThat(keysOnly.result()).isEqualTo(Result.DELIVERED);
        assertThat(keysOnly.answer()).contains("nothing to invalidate");
        assertThat(seen).isEmpty();
        Attempt withUri = send(sink, event(sink, "https://www.example.com/p/42", Map.of("tidingskeys", "p42")));
        assertThat(withUri.result()).isEqualTo(Result.DELIVERED);
        assertThat(seen).map(e -> Seen.of(e, "xkey")).containsExactly(
                new Seen("PURGE", "/p/42", "www.example.com", null));
    }

    @Test
    void anEventAboutAUriPurgesItOnEveryCacheWithTheUrisHostPathAndQuery() throws IOException {
        List<HttpExchange> first = new CopyOnWriteArrayList<>();
        List<HttpExchange> second = new CopyOnWriteArrayList<>();
        Sink sink = sink(List.of(cache(200, first), cache(404, second)), null, null, null);
        Attempt attempt = send(sink, event(sink, "https://www.example.com:8443/shop/item?id=7&v=%C3%A9", Map.of()));
        assertThat(attempt.result()).as(attempt.answer()).isEqualTo(Result.DELIVERED);
        for (List<HttpExchange> seen : List.of(first, second)) {
            assertThat(seen).map(e -> Seen.of(e, null)).containsExactly(
                    new Seen("PURGE", "/shop/item?id=7&v=%C3%A9", "www.example.com:8443", null));
        }
    }

    @Test
    void anAtomicListPurgesEachUriAndAPrefixIsBannedWithItsPathInTheBanHeader() throws IOException {
        List<HttpExchange> seen = new CopyOnWriteArrayList<>();
        Sink sink = sink(List.of(cache(200, seen)), "XPURGE", "XBAN", "X-Invalidate");
        Attempt attempt = send(sink, event(sink, "urn:example:catalogue", Map.of(
                "tidingsuris", "http://www.example.com/a  http://www.example.com/b\\nmailto:ann@example.com",
                "tidingsprefix", "http://img.example.com/products/")));
        assertThat(attempt.result()).as(attempt.answer()).isEqualTo(Result.DELIVERED);
        assertThat(seen).map(e -> Seen.of(e, "X-Invalidate")).containsExactlyInAnyOrder(
                new Seen("XPURGE", "/a", "www.example.com", null),
                new Seen("XPURGE", "/b", "www.example.com", null),
                new Seen("XBAN", "/", "img.example.com", "/products/"));
    }

    @Test
    void aNotificationIsDeliveredOnlyIfEveryCacheInvalidatedIt() throws IOException {
        List<HttpExchange> seen = new CopyOnWriteArrayList<>();
        URI refusing = cache(405, seen);
        Sink sink = sink(List.of(cache(200, seen), refusing), null, null, null);
        Attempt attempt = send(sink, event(sink, "http://www.example.com/page", Map.of()));
        assertThat(attempt.result()).isEqualTo(Result.RETRY);
        assertThat(attempt.status()).isEqualTo(405);
        assertThat(attempt.answer()).contains(refusing.toString()).contains("/page").contains("1 of 2");
    }

    @Test
    void afterAFailedRequestTheRestOfTheAttemptIsNotSent() throws IOException {
        List<HttpExchange> failing = new CopyOnWriteArrayList<>();
        List<HttpExchange> healthy = new CopyOnWriteArrayList<>();
        Sink sink = sink(List.of(cache(503, failing), cache(200, healthy)), null, null, null);
        Attempt attempt = send(sink, event(sink, "urn:example:list", Map.of("tidingsuris",
                "http://www.example.com/1 http://www.example.com/2 http://www.example.com/3")));
        assertThat(attempt.result()).isEqualTo(Result.RETRY);
        assertThat(attempt.status()).isEqualTo(503);
        assertThat(failing).hasSize(1);
        assertThat(healthy).isEmpty();
    }

    @Test
    void anEventThatNamesNoWebUriIsDeliveredWithoutARequest() throws IOException {
        List<HttpExchange> seen = new CopyOnWriteArrayList<>();
        Sink sink = sink(List.of(cache(200, seen)), null, null, null);
        Attempt attempt = send(sink, event(sink, "mailto:ann@example.com", Map.of()));
        assertThat(attempt.result()).isEqualTo(Result.DELIVERED);
        assertThat(attempt.answer()).contains("nothing to invalidate");
        assertThat(seen).isEmpty();
    }

    /** 127.0.0.1 and 127.0.0.3 permitted, the rest of the loopback range denied: every address here is local. */
    private static final AddressPolicy ONLY_1_AND_3 = new AddressPolicy("127.0.0.1,127.0.0.3", "127.0.0.0/8");

    /** A cache whose name does not resolve now is tried again, as one that refuses the connection is. */
    @Test
    void aCacheNameThatDoesNotResolveNowIsRetriedNotMadeDead() {
        AddressPolicy.Lookup failing = host -> {
            throw new UnknownHostException(host + ": Temporary failure in name resolution");
        };
        Sink sink = sink(List.of(URI.create("http://cache.invalid:6081")), null, null, null);
        Attempt attempt = new CachePurges(ONLY_1_AND_3, failing, Duration.ZERO, Duration.ofSeconds(2), READ_TIMEOUT)
                .send(sink, event(sink, "http://www.example.com/page", Map.of()));
        assertThat(attempt.result()).as(attempt.answer()).isEqualTo(Result.RETRY);
        assertThat(attempt.answer()).contains("unresolved").contains("cache.invalid");

        // a cache that does not resolve now does not hide one the policy refuses after it: that is final
        AddressPolicy.Lookup firstFailsSecondDenied = host -> {
            if (host.startsWith("gone")) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName("127.0.0.2")};
        };
        Sink both = sink(List.of(URI.create("http://gone.invalid:6081"), URI.create("http://denied.invalid:6081")),
                null, null, null);
        Attempt refused = new CachePurges(ONLY_1_AND_3, firstFailsSecondDenied, Duration.ZERO, Duration.ofSeconds(2),
                READ_TIMEOUT).send(both, event(both, "http://www.example.com/page", Map.of()));
        assertThat(refused.result()).as(refused.answer()).isEqualTo(Result.REFUSED);
        assertThat(refused.answer()).contains("address-denied").contains("denied.invalid");
    }

    @Test
    void aCacheNameThatRebindsToADeniedAddressAfterTheCheckIsRefusedAndNeverConnectedTo() throws IOException {
        List<HttpExchange> checked = new CopyOnWriteArrayList<>();
        List<HttpExchange> denied = new CopyOnWriteArrayList<>();
        int port = cacheOn("127.0.0.1", 0, 200, checked);
        cacheOn("127.0.0.2", port, 200, denied);
        Rebinding names = new Rebinding("127.0.0.1", "127.0.0.2");
        Sink sink = sink(List.of(URI.create("http://cache.invalid:" + port)), null, null, null);
        Attempt attempt = new CachePurges(ONLY_1_AND_3, names, Duration.ZERO, Duration.ofSeconds(2), READ_TIMEOUT)
                .send(sink, event(sink, "http://www.example.com/page", Map.of()));
        assertThat(attempt.result()).as(attempt.answer()).isEqualTo(Result.REFUSED);
        assertThat(attempt.answer()).contains("address-denied").doesNotContain("127.0.0.2");
        assertThat(names.lookups).hasValue(2); // the check's, then the connection's own
        assertThat(checked).isEmpty();
        assertThat(denied).isEmpty();
    }

    @Test
    void theConnectionGoesToTheAddressItsOwnCheckedLookupAnswered() throws IOException {
        List<HttpExchange> first = new CopyOnWriteArrayList<>();
        List<HttpExchange> second = new CopyOnWriteArrayList<>();
        int port = cacheOn("127.0.0.1", 0, 200, first);
        cacheOn("127.0.0.3", port, 200, second);
        Rebinding names = new Rebinding("127.0.0.1", "127.0.0.3");
        Sink sink = sink(List.of(URI.create("http://cache.invalid:" + port)), null, null, null);
        Attempt attempt = new CachePurges(ONLY_1_AND_3, names, Duration.ZERO, Duration.ofSeconds(2), READ_TIMEOUT)
                .send(sink, event(sink, "http://www.example.com/page", Map.of()));
        assertThat(attempt.result()).as(attempt.answer()).isEqualTo(Result.DELIVERED);
        assertThat(names.lookups).hasValue(2);
        assertThat(first).isEmpty();
        assertThat(second).map(e -> Seen.of(e, null)).containsExactly(
                new Seen("PURGE", "/page", "www.example.com", null));
    }

    @Test
    void aCacheThatTricklesItsAnswerIsCutOffAtConnectPlusTwiceTheReadTimeout() throws Exception {
        ExecutorService dripping = Executors.newSingleThreadExecutor();
        try (ServerSocket cache = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            dripping.submit(() -> TricklingPeer.serve(cache));
            // one byte every 250 ms: each read of the answer's head gets a byte well within the 1 s read timeout
            Sink sink = Sink.purge("cache", PurgeSettings.of(List.of(URI.create("http://127.0.0.1:"
                    + cache.getLocalPort())), null, null, null, null, null), 1000, 1000, Instant.now());
            // Generous bound: the deadline is 1 s + 2 x 1 s = 3 s; without one the head never ends and the
            // delivery thread is held for as long as the cache keeps dripping (for ever here).
            Attempt attempt = assertTimeoutPreemptively(Duration.ofSeconds(15),
                    () -> send(sink, event(sink, "http://www.example.com/page", Map.of())));
            assertThat(attempt.result()).as(attempt.answer()).isEqualTo(Result.RETRY);
            assertThat(attempt.status()).isZero();
            assertThat(attempt.answer()).contains("no complete answer within 3000 ms");
        } finally {
            dripping.shutdownNow();
        }
    }

}
