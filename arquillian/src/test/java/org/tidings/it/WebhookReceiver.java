package org.tidings.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.IntUnaryOperator;

/**
 * A real HTTP receiver of webhooks on 127.0.0.1, for the tests: it records every request it gets and answers with
 * the status its {@code answers} function gives for the request's number (1 for the first), or for that number and
 * the number of the request among those with its {@code webhook-id} ({@link Answers}).
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as received, and the status it was answered with. */
    record Received(Map<String, List<String>> headers, byte[] body, int answeredWith) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        boolean delivered() {
            return answeredWith / 100 == 2;
        }
    }

    /** The status for a request, by its number among all requests and among those of its webhook-id. */
    interface Answers {
        int status(int number, int numberOfItsId);
    }

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService threads;
    /** How long each request takes the receiver before it answers (a slow receiver's work). */
    private final java.time.Duration delay;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> requestsById = new java.util.HashMap<>();
    private volatile Answers answers;
    /** Open unless {@link #holdAnswers}: a request is recorded at once and answered when the gate opens. */
    private volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);
    /** The number of the first request the gate holds ({@link #holdAnswersFrom}); those before it are answered. */
    private volatile int holdFrom = 1;

    WebhookReceiver(IntUnaryOperator answers) {
        this((number, numberOfItsId) -> answers.applyAsInt(number));
    }

    WebhookReceiver(Answers answers) {
        this((number, numberOfItsId) -> answers.status(number, numberOfItsId), java.time.Duration.ZERO, 4);
    }

    /** A receiver that takes {@code delay} over each request, {@code concurrency} requests at a time. */
    WebhookReceiver(IntUnaryOperator answers, java.time.Duration delay, int concurrency) {
        this((number, numberOfItsId) -> answers.applyAsInt(number), delay, concurrency);
    }

    private WebhookReceiver(Answers answers, java.time.Duration delay, int concurrency) {
        this.answers = answers;
        this.delay = delay;
        this.threads = Executors.newFixedThreadPool(concurrency);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            int number;
            synchronized (received) {
                number = received.size() + 1;
                int ofId = requestsById.merge(String.valueOf(exchange.getRequestHeaders().getFirst("webhook-id")), 1,
                        Integer::sum);
                status = this.answers.status(received.size() + 1, ofId);
                received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body, status));
            }
            try {
                if (!delay.isZero()) {
                    Thread.sleep(delay.toMillis()); // the receiver's own work: the point of a slow receiver
                }
                if (number >= holdFrom && !gate.await(2, java.util.concurrent.TimeUnit.MINUTES)) {
                    status = 599; // never: the tests open the gate
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    /** Answers from now on as {@code answers} says (by request number, counting all requests so far). */
    void answer(IntUnaryOperator answers) {
        this.answers = (number, numberOfItsId) -> answers.applyAsInt(number);
    }

    /** From now on, requests are recorded when they come and answered only after {@link #answerHeld}. */
    void holdAnswers() {
        holdAnswersFrom(1);
    }

    /**
     * Requests numbered {@code number} and later (counting all requests) are recorded when they come and answered
     * only after {@link #answerHeld}; those before are answered at once. Set before the requests come, it holds
     * exactly those, whatever the pace of the machine.
     */
    void holdAnswersFrom(int number) {
        gate = new java.util.concurrent.CountDownLatch(1);
        holdFrom = number;
    }

    /** Answers the requests held and those to come at once. */
    void answerHeld() {
        gate.countDown();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> delivered() {
        return received.stream().filter(Received::delivered).toList();
    }

    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
