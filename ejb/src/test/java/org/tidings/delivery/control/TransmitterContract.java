package org.tidings.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.entity.Notification;
import org.tidings.delivery.webhook.AddressPolicy;
import org.tidings.delivery.webhook.Attempt;
import org.tidings.delivery.webhook.Attempt.Result;
import org.tidings.sinks.entity.Sink;

/**
 * What every {@link Transmitter} guarantees, checked against a real HTTP server on 127.0.0.1: the channel's declared
 * success is DELIVERED; a server error, a refused connection and a target that does not answer in time are RETRY,
 * without an exception; a target the address policy refuses is REFUSED and nothing is sent. Each channel's test
 * extends this class and says how to build its transmitter, a sink aimed at the server and a notification.
 */
public abstract class TransmitterContract {

    /**
     * The read timeout of sinks whose target answers: generous, so that a thread of a busy machine that waits for the
     * CPU longer than a short timeout cannot turn an answer into a timeout.
     */
    protected static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /** The read timeout of the sink whose target never answers: short, so that the timeout case ends quickly. */
    protected static final Duration SHORT_READ_TIMEOUT = Duration.ofMillis(300);

    private HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    protected final List<HttpExchange> received = new CopyOnWriteArrayList<>();
    private volatile int status;
    private volatile boolean hang;

    /** A transmitter of the channel under test that judges targets by {@code policy}. */
    protected abstract Transmitter transmitter(AddressPolicy policy);

    /** A sink of the channel under test aimed at {@code target} (an http URL on 127.0.0.1), with this read timeout. */
    protected abstract Sink sinkAt(URI target, Duration readTimeout);

    /** The status the channel's targets answer when all went well. */
    protected abstract int success();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (exchange) {
                received.add(exchange);
                exchange.getRequestBody().readAllBytes();
                if (hang) {
                    release.await();
                }
                exchange.sendResponseHeaders(status, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    protected URI server() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** A structured JSON CloudEvent about {@code subject}, for the sink, as the deliveries queue hands it over. */
    protected static Notification notification(Sink sink, String subject) {
        String id = UUID.randomUUID().toString();
        byte[] body = ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"https://shop.example.com\","
                + "\"type\":\"org.example.page.Changed\",\"subject\":\"" + subject + "\",\"data\":{}}")
                .getBytes(StandardCharsets.UTF_8);
        return new Notification(Notification.idOf("https://shop.example.com", id, sink.id()), sink.id(),
                UUID.randomUUID(), subject, "https://shop.example.com", id, body);
    }

    private Attempt sendTo(URI target, AddressPolicy policy) {
        return sendTo(target, policy, READ_TIMEOUT);
    }

    private Attempt sendTo(URI target, AddressPolicy policy, Duration readTimeout) {
        Sink sink = sinkAt(target, readTimeout);
        return transmitter(policy).send(sink, notification(sink, "http://www.example.com/page"));
    }

    @Test
    void theDeclaredSuccessIsDelivered() {
        status = success();
        Attempt attempt = sendTo(server(), AddressPolicy.defaults());
        assertThat(attempt.result()).as(attempt.answer()).isEqualTo(Result.DELIVERED);
        assertThat(attempt.status()).isEqualTo(success());
        assertThat(received).isNotEmpty();
    }

    @Test
    void aServerErrorIsRetried() {
        status = 500;
        Attempt attempt = sendTo(server(), AddressPolicy.defaults());
        assertThat(attempt.result()).isEqualTo(Result.RETRY);
        assertThat(attempt.status()).isEqualTo(500);
        assertThat(attempt.answer()).contains("500");
    }

    @Test
    void aRefusedConnectionIsRetried() throws IOException {
        // a port bound and not listening: a connection to it is refused, and no other socket of the parallel tests
        // can take it meanwhile (a port closed before the call could be)
        try (var reserved = new java.net.Socket()) {
            reserved.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int closedPort = reserved.getLocalPort();
            Attempt attempt = sendTo(URI.create("http://127.0.0.1:" + closedPort + "/"), AddressPolicy.defaults());
            assertThat(attempt.result()).isEqualTo(Result.RETRY);
            assertThat(attempt.status()).isZero();
            assertThat(attempt.answer()).isNotBlank();
        }
    }

    @Test
    void aTargetThatDoesNotAnswerInTimeIsRetriedWithoutAnException() {
        hang = true;
        status = success();
        Attempt attempt = sendTo(server(), AddressPolicy.defaults(), SHORT_READ_TIMEOUT);
        assertThat(attempt.result()).isEqualTo(Result.RETRY);
        assertThat(attempt.status()).isZero();
        assertThat(received).isNotEmpty();
    }

    @Test
    void aTargetTheAddressPolicyRefusesIsRefusedAndNothingIsSent() {
        status = success();
        Attempt attempt = sendTo(server(), new AddressPolicy("", "127.0.0.0/8"));
        assertThat(attempt.result()).isEqualTo(Result.REFUSED);
        assertThat(attempt.answer()).contains("address-denied");
        assertThat(received).isEmpty();
    }
}
