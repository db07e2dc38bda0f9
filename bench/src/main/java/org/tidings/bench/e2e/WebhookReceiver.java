package org.tidings.bench.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook receiver of the bench: an HTTP server on 127.0.0.1 (a free port) that answers every POST under
 * {@value #PATH} with 204 once it has read the body, and notes the arrival of the CloudEvent's id in the
 * {@link Arrivals} of the current phase. It checks no signature: the bench measures delivery, the ITs check
 * signing. Its threads outnumber Tidings' delivery consumers, so it never holds a delivery back.
 */
final class WebhookReceiver implements AutoCloseable {

    static final String PATH = "/hooks/";

    private final HttpServer server;
    private final ExecutorService threads;
    private final EventIdReader ids = new EventIdReader();
    private final AtomicLong requests = new AtomicLong();
    private volatile Arrivals current;

    WebhookReceiver(int threadCount) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        this.threads = Executors.newFixedThreadPool(threadCount);
        server.setExecutor(threads);
        server.createContext(PATH, this::handle);
        server.start();
    }

    /** The URL of sink number {@code n}: a distinct path per sink. */
    String url(int n) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH + n;
    }

    /** Arrivals from now on are noted in {@code arrivals}. */
    void record(Arrivals arrivals) {
        this.current = arrivals;
    }

    long requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            byte[] json = body.readAllBytes();
            long now = System.nanoTime();
            requests.incrementAndGet();
            Arrivals arrivals = current;
            if (arrivals != null) {
                arrivals.arrived(ids.eventId(json), now);
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
