package org.tidings.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile answers on real sockets on 127.0.0.1: whatever a peer answers, the exchange gives its connection back to
 * the pool or closes it, so a pool of one connection per route keeps serving.
 */
class CheckedExchangesTest {

    private static final Duration CONNECT = Duration.ofSeconds(2);
    /** For answers that come: generous, so that a peer thread waiting for the CPU is not taken for a timeout. */
    private static final Duration READ = Duration.ofSeconds(10);
    /** For answers that stop: short, so that the read timeout that ends them comes quickly. */
    private static final Duration SHORT_READ = Duration.ofMillis(500);

    /** One pooled connection per route: a single leaked lease would make every later exchange wait and fail. */
    private final CheckedExchanges exchanges =
            new CheckedExchanges(AddressPolicy.defaults(), InetAddress::getAllByName, 1, 4, 1024);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private ServerSocket server;

    @AfterEach
    void stop() throws IOException {
        exchanges.close();
        threads.shutdownNow();
        if (server != null) {
            server.close();
        }
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /**
     * A peer on 127.0.0.1 that reads each request (head and Content-Length body) and writes {@code answers.apply(n)}
     * for the n-th request (from 0) over all its connections, keeping every connection open.
     */
    private HttpHost peer(IntFunction<String> answers) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        AtomicInteger requests = new AtomicInteger();
        threads.submit(() -> {
            while (!server.isClosed()) {
                Socket socket = server.accept();
                sockets.add(socket);
                threads.submit(() -> serve(socket, answers, requests));
            }
            return null;
        });
        return new HttpHost("http", "127.0.0.1", server.getLocalPort());
    }

    private static Void serve(Socket socket, IntFunction<String> answers, AtomicInteger requests) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        while (true) {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    return null;
                }
                head.append((char) c);
            }
            String[] length = head.toString().toLowerCase(Locale.ROOT).split("content-length: ");
            if (length.length > 1) {
                in.readNBytes(Integer.parseInt(length[1].split("\r\n")[0].strip()));
            }
            out.write(answers.apply(requests.getAndIncrement()).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    private CheckedExchanges.Answer get(HttpHost target, Duration connect) throws IOException {
        return get(target, connect, READ);
    }

    private CheckedExchanges.Answer get(HttpHost target, Duration connect, Duration read) throws IOException {
        return exchanges.exchange(target, new HttpUriRequestBase("GET", URI.create("/")), connect, read);
    }

    @Test
    void anAnswerClaimingTheLongestContentLengthIsReadAndItsConnectionGivenBack() throws Exception {
        HttpHost target = peer(n -> n == 0
                ? "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\nok"
                : "HTTP/1.1 204 No Content\r\n\r\n");

        // Generous bound: a leaked lease makes the second exchange wait for the pool, then fail.
        CheckedExchanges.Answer first = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> get(target, CONNECT, SHORT_READ)); // its body ends with the read timeout
        CheckedExchanges.Answer second = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> get(target, CONNECT));

        assertThat(first.status()).isEqualTo(200);
        assertThat(new String(first.body(), StandardCharsets.US_ASCII)).isEqualTo("ok");
        assertThat(first.complete()).isFalse();
        assertThat(second.status()).isEqualTo(204);
    }

    @Test
    void exchangesWithDifferentConnectTimeoutsShareOnePooledConnection() throws Exception {
        HttpHost target = peer(n -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        for (int i = 0; i < 5; i++) {
            assertThat(get(target, CONNECT.plusMillis(i)).status()).isEqualTo(200);
        }

        // one HTTP client and pool for all: not one per connect timeout (a purge sink may set any of 30,000)
        assertThat(sockets).hasSize(1);
    }

    @Test
    void answersCutShortByTheReadTimeoutOrTheDeadlineDoNotExhaustThePool() throws Exception {
        // an answer that never comes, a body that stops, a head that trickles past the deadline, then a good one
        HttpHost target = peer(n -> switch (n) {
            case 0 -> "";
            case 1 -> "HTTP/1.1 500 Oops\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(100);
            case 2 -> "HTTP/1.1 503 Busy\r\nContent-Length: 5000\r\n\r\n" + "x".repeat(5000);
            default -> "HTTP/1.1 204 No Content\r\n\r\n";
        });

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> get(target, CONNECT, SHORT_READ)))
                .isInstanceOf(java.net.SocketTimeoutException.class);
        CheckedExchanges.Answer stopped = get(target, CONNECT, SHORT_READ);
        CheckedExchanges.Answer tooLong = get(target, CONNECT);
        CheckedExchanges.Answer good = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> get(target, CONNECT));

        assertThat(stopped.status()).isEqualTo(500);
        assertThat(stopped.complete()).isFalse();
        assertThat(tooLong.status()).isEqualTo(503);
        assertThat(tooLong.body()).hasSize(1024);
        assertThat(tooLong.complete()).isFalse();
        assertThat(good.status()).isEqualTo(204);
        assertThat(sockets).as("each cut-short connection closed, not reused").hasSize(4);
    }

    @Test
    void eachExchangesOwnConnectTimeoutBoundsTheConnectionAndTheTlsHandshake() throws Exception {
        // a peer that accepts TCP and never says a word of TLS: the handshake waits for the connect timeout, not
        // for the read timeout or the deadline (10.3 s)
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        threads.submit(() -> {
            while (!server.isClosed()) {
                sockets.add(server.accept());
            }
            return null;
        });
        HttpHost silent = new HttpHost("https", "127.0.0.1", server.getLocalPort());

        Throwable handshake = org.assertj.core.api.Assertions.catchThrowable(() -> exchanges.exchange(silent,
                new HttpUriRequestBase("GET", URI.create("/")), Duration.ofMillis(300), Duration.ofSeconds(5)));

        assertThat(handshake).isInstanceOf(java.net.SocketTimeoutException.class)
                .isNotInstanceOf(CheckedExchanges.DeadlineExceeded.class);
        assertThat(sockets).hasSize(1);
    }

    @Test
    void aPeerThatNeverReadsTheRequestBodyIsCutOffAtTheDeadline() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        threads.submit(() -> {
            while (!server.isClosed()) {
                sockets.add(server.accept()); // and never read: the sender's writes block once the buffers fill
            }
            return null;
        });
        HttpHost deaf = new HttpHost("http", "127.0.0.1", server.getLocalPort());
        HttpUriRequestBase post = new HttpUriRequestBase("POST", URI.create("/"));
        post.setEntity(new org.apache.hc.core5.http.io.entity.ByteArrayEntity(new byte[64 << 20], null));

        // Generous bound: a socket write has no timeout of its own; only the deadline (0.9 s) ends it.
        Throwable cut = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> org.assertj.core.api.Assertions
                .catchThrowable(() -> exchanges.exchange(deaf, post, Duration.ofMillis(300), Duration.ofMillis(300))));

        assertThat(cut).isInstanceOf(CheckedExchanges.DeadlineExceeded.class);
    }
}
