package org.tidings.bench.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * The webhook receiver of bench/crash: its own process on 127.0.0.1, never killed while the test runs. It records
 * every POST as one line of {@link WebhookLog}, written and flushed before the answer goes, so a step in another
 * JVM reads all that was answered. The signature is checked with the Standard Webhooks reference library and the
 * secret the provisioning step wrote to a file (read on the first request that finds it). The first attempt of
 * every 20th notification (by the hash of its {@code webhook-id}) is answered 503, every later attempt of it 200,
 * so retries are in flight when something crashes.
 */
final class WebhookReceiver {

    private static final int REFUSE_ONE_IN = 20;
    private static final int THREADS = 16;

    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Path secretFile;
    private final BufferedWriter log;
    private volatile Webhook verifier;

    private WebhookReceiver(Path secretFile, Path logFile) throws IOException {
        this.secretFile = secretFile;
        this.log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** {@code receive --port <p> --secret <file> --log <file>}: serves until the process is stopped. */
    static int run(Map<String, String> o) throws Exception {
        var receiver = new WebhookReceiver(Path.of(o.get("secret")), Path.of(o.get("log")));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(o.get("port"))),
                100);
        server.setExecutor(Executors.newFixedThreadPool(THREADS));
        server.createContext("/", receiver::handle);
        server.start();
        System.out.println("[crash] webhook receiver listening on " + server.getAddress());
        new CountDownLatch(1).await();
        return 0;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String webhookId = exchange.getRequestHeaders().getFirst("webhook-id");
            if (!"POST".equals(exchange.getRequestMethod()) || webhookId == null) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            String payload = new String(body, StandardCharsets.UTF_8);
            boolean signed = signed(exchange, payload);
            boolean first = seen.add(webhookId);
            int status = signed && first && Math.floorMod(webhookId.hashCode(), REFUSE_ONE_IN) == 0 ? 503
                    : signed ? 200 : 401;
            JsonNode event = event(payload);
            recorded(new WebhookLog.Entry(webhookId, text(event, "id"), text(event, "subject"), status, signed));
            exchange.sendResponseHeaders(status, -1);
        }
    }

    private boolean signed(HttpExchange exchange, String payload) throws IOException {
        Webhook webhook = verifier();
        if (webhook == null) {
            return false;
        }
        try {
            webhook.verify(payload, exchange.getRequestHeaders()); // it looks headers up ignoring case
            return true;
        } catch (WebhookVerificationException e) {
            return false;
        }
    }

    private Webhook verifier() throws IOException {
        if (verifier == null) {
            try {
                verifier = new Webhook(Files.readString(secretFile).trim());
            } catch (NoSuchFileException e) {
                return null;
            } catch (Exception e) {
                throw new IOException("unusable webhook secret in " + secretFile, e);
            }
        }
        return verifier;
    }

    /** The body as JSON, or a missing node if it is none. */
    private JsonNode event(String payload) {
        try {
            return json.readTree(payload);
        } catch (IOException e) {
            return json.missingNode();
        }
    }

    /** A text attribute of the CloudEvent, or "-" if it has none (or one with a tab, which would split the line). */
    private static String text(JsonNode event, String attribute) {
        JsonNode value = event.path(attribute);
        return value.isTextual() && !value.asText().contains("\t") ? value.asText() : "-";
    }

    private synchronized void recorded(WebhookLog.Entry entry) throws IOException {
        log.write(entry.line());
        log.newLine();
        log.flush();
    }
}
