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
 * the status its {@code answers} function gives for the request's number (1 for the first).
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

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService threads = Executors.newFixedThreadPool(4);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile IntUnaryOperator answers;

    WebhookReceiver(IntUnaryOperator answers) {
        this.answers = answers;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            synchronized (received) {
                status = this.answers.applyAsInt(received.size() + 1);
                received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body, status));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    /** Answers from now on as {@code answers} says (by request number, counting all requests so far). */
    void answer(IntUnaryOperator answers) {
        this.answers = answers;
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
        server.stop(0);
        threads.shutdownNow();
    }
}
