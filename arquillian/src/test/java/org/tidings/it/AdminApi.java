package org.tidings.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What an administrator's tool or a source's HTTP client does: JSON over HTTP on loopback. */
public final class AdminApi {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String base;
    private final String token;

    /** Calls with the first administrator's token, as an administrator's tool does. */
    public AdminApi(String base) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** With a client of the caller's: one that trusts a test's own certificate, for instance. */
    public AdminApi(String base, HttpClient http) {
        this(base, http, TestEnvironment.ADMIN_TOKEN);
    }

    private AdminApi(String base, HttpClient http, String token) {
        this.base = base;
        this.http = http;
        this.token = token;
    }

    /** The same API called with another bearer token (null: with none). */
    public AdminApi withToken(String other) {
        return new AdminApi(base, http, other);
    }

    /** The Authorization header value of the first administrator's token, for requests built by hand. */
    public static String adminAuthorization() {
        return "Bearer " + TestEnvironment.ADMIN_TOKEN;
    }

    /** A new token for a principal ("administrators", "sources" or "subscribers" and its id): its text. */
    public String issueToken(String kind, String id) {
        Reply reply = postJson("/api/" + kind + "/" + id + "/tokens", Map.of("label", "test"));
        if (reply.status() != 201) {
            throw new IllegalStateException("expected 201, got " + reply);
        }
        return reply.body().get("token").asText();
    }

    public record Reply(int status, String contentType, JsonNode body, java.net.http.HttpHeaders headers) {
        public String code() {
            return body.path("code").asText(null);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public Reply post(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A POST with these headers too. */
    public Reply post(String path, String contentType, byte[] body, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return send(request);
    }

    /** A POST whose length is not said beforehand: the body goes in chunks, without a Content-Length. */
    public Reply postChunked(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))));
    }

    /** Any method on any path; a null content type sends no Content-Type header, a null body sends none. */
    public Reply request(String method, String path, String contentType, byte[] body) {
        var request = HttpRequest.newBuilder(URI.create(base + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    /** The same with an Accept header (null: none). */
    public Reply request(String method, String path, String contentType, byte[] body, String accept) {
        var request = HttpRequest.newBuilder(URI.create(base + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return send(request);
    }

    public Reply postJson(String path, Object body) {
        return post(path, "application/json", json(body));
    }

    /** A JSON POST with these headers too. */
    public Reply postJson(String path, Object body, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json(body)));
        headers.forEach(request::header);
        return send(request);
    }

    public Reply putJson(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(json(body))));
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /**
     * Every row of a list (docs/adr/0026): its pages, each got by following the last one's {@code Link rel="next"},
     * as one array. A page that is not 200 fails the call.
     */
    public ArrayNode getAll(String path) {
        ArrayNode all = JSON.createArrayNode();
        for (String page = path; page != null; ) {
            Reply reply = get(page);
            if (reply.status() != 200 || !reply.body().isArray()) {
                throw new IllegalStateException("expected a page of " + path + ", got " + reply);
            }
            reply.body().forEach(all::add);
            page = nextPage(reply);
        }
        return all;
    }

    /** The path and query of a page's {@code Link rel="next"}, or null if it has none (the last page). */
    public static String nextPage(Reply reply) {
        List<String> links = reply.headers().allValues("Link");
        for (String link : links) {
            Matcher next = NEXT_LINK.matcher(link);
            if (next.find()) {
                URI uri = URI.create(next.group(1));
                return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            }
        }
        return null;
    }

    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?next\"?");

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    /**
     * A provisioned source that may send events of every type about every subject (send and route grants of all),
     * spoken for on the broker by the test run's source account ({@link TestEnvironment#SOURCE_USER}): what most
     * tests need. {@link #createBareSource} makes one without grants.
     */
    public String createSource(String name, String uri) {
        return createSource(name, uri, TestEnvironment.SOURCE_USER);
    }

    /** The same, spoken for on the broker by {@code brokerUser} (null: by none). */
    public String createSource(String name, String uri, String brokerUser) {
        String id = createBareSource(name, uri, brokerUser);
        for (String kind : List.of("send", "route")) {
            created(postJson("/api/grants", Map.of("principalKind", "source", "principalId", id, "kind", kind,
                    "all", true)));
        }
        return id;
    }

    /**
     * A provisioned source with no grant (every event it sends is refused until it gets some), spoken for on the
     * broker by {@link TestEnvironment#SOURCE_USER}.
     */
    public String createBareSource(String name, String uri) {
        return createBareSource(name, uri, TestEnvironment.SOURCE_USER);
    }

    /** A provisioned source with no grant, spoken for on the broker by {@code brokerUser} (null: by none). */
    public String createBareSource(String name, String uri, String brokerUser) {
        Map<String, Object> request = new java.util.HashMap<>(Map.of("name", name, "uri", uri));
        if (brokerUser != null) {
            request.put("brokerUser", brokerUser);
        }
        return created(postJson("/api/sources", request));
    }

    public String createJmsSink(String name) {
        return created(postJson("/api/sinks", Map.of("name", name, "channel", "jms")));
    }

    public String subscribe(String sinkId, Map<String, Object> filter) {
        return created(postJson("/api/subscriptions", Map.of("sinkId", sinkId, "filter", filter)));
    }

    /** A provisioned source (its URI), a JMS sink and a subscription of that sink to one event type from it. */
    public record Route(String source, String sink, String subscription) {
    }

    /** Provisions a new source, a JMS sink, and a subscription of the sink to the type: the usual test setup. */
    public Route route(String sourceName, String sinkName, String type) {
        String source = Events.uniqueSource();
        createSource(sourceName, source);
        String sink = createJmsSink(sinkName);
        return new Route(source, sink, subscribe(sink, Map.of("types", List.of(type), "sources", List.of(source))));
    }

    private static String created(Reply reply) {
        if (reply.status() != 201) {
            throw new IllegalStateException("expected 201, got " + reply);
        }
        return reply.body().get("id").asText();
    }

    private Reply send(HttpRequest.Builder request) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = response.body().length == 0 ? JSON.nullNode() : readOrText(response.body());
            return new Reply(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""), body, response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode readOrText(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return JSON.getNodeFactory().textNode(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static byte[] json(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
