package org.tidings.delivery.purge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.tidings.platform.OutsideJson;
import org.tidings.platform.TidingsException;
import org.tidings.subscriptions.control.SubscriptionIndex;
import org.tidings.sinks.entity.PurgeSettings;

/**
 * What one event invalidates on a purge sink's caches, read from the event's structured JSON CloudEvent: its
 * {@code subject} if it is an http or https URI and each such URI of its {@code tidingsuris} list, each purged on
 * every cache ({@code <purge method> <path?query>} with the URI's Host), its {@code tidingsprefix}, banned on
 * every cache ({@code <ban method> /} with the prefix's Host and its path in the ban header), and, if the sink has a
 * key header, its {@code tidingskeys}: one request per cache ({@code <key method> /} with the cache's own Host and
 * every key of the event, each once, in the key header, separated by spaces). A sink without a key header passes the
 * keys over. Other URIs (a {@code mailto:}, a URN) name nothing a web cache holds and are passed over too. Identical
 * requests appear once.
 */
final class Invalidations {

    private static final ObjectMapper JSON = OutsideJson.mapper(); // events come from outside

    private Invalidations() {
    }

    /**
     * @throws IllegalArgumentException if the body is not a JSON object, or if the sink purges by keys and the event's
     *     {@code tidingskeys} are not what ingest accepts ({@link SurrogateKeys})
     */
    static List<PurgeRequest> of(byte[] event, PurgeSettings settings) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(event, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("the notification is not a JSON CloudEvent: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the notification is not a JSON CloudEvent");
        }
        Set<URI> uris = new LinkedHashSet<>();
        web(text(root, "subject")).ifPresent(uris::add);
        String list = text(root, SubscriptionIndex.URIS_EXTENSION);
        if (list != null) {
            for (String uri : list.strip().split("\\s+")) {
                web(uri).ifPresent(uris::add);
            }
        }
        Set<PurgeRequest> requests = new LinkedHashSet<>();
        for (URI cache : settings.caches()) {
            for (URI uri : uris) {
                requests.add(new PurgeRequest(cache, settings.purgeMethod(), target(uri), authority(uri), null, null));
            }
        }
        String prefix = text(root, SubscriptionIndex.PREFIX_EXTENSION);
        if (prefix != null) {
            ban(prefix.strip(), settings, requests);
        }
        String keys = text(root, SurrogateKeys.EXTENSION);
        if (keys != null && settings.keyHeader() != null) {
            keys(keys, settings, requests);
        }
        return new ArrayList<>(requests);
    }

    /** All keys in one header, to each cache under its own name (a purge by keys is about no URI). */
    private static void keys(String extension, PurgeSettings settings, Set<PurgeRequest> requests) {
        List<String> keys;
        try {
            keys = SurrogateKeys.of(extension);
        } catch (TidingsException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (keys.isEmpty()) {
            return;
        }
        String value = String.join(" ", keys);
        for (URI cache : settings.caches()) {
            requests.add(new PurgeRequest(cache, settings.keyMethod(), "/", ascii(cache.getRawAuthority()),
                    settings.keyHeader(), value));
        }
    }

    /** {@code scheme://authority[path]}: the ingest side made sure of the scheme and the host (docs/adr/0011). */
    private static void ban(String prefix, PurgeSettings settings, Set<PurgeRequest> requests) {
        int colon = prefix.indexOf("://");
        String scheme = colon < 0 ? "" : prefix.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return;
        }
        String rest = prefix.substring(colon + 3);
        int end = 0;
        while (end < rest.length() && "/?#".indexOf(rest.charAt(end)) < 0) {
            end++;
        }
        String authority = rest.substring(0, end);
        int at = authority.lastIndexOf('@');
        String host = ascii(authority.substring(at + 1));
        String path = rest.substring(end);
        int fragment = path.indexOf('#');
        path = ascii(fragment < 0 ? path : path.substring(0, fragment));
        if (host.isEmpty()) {
            return;
        }
        for (URI cache : settings.caches()) {
            requests.add(new PurgeRequest(cache, settings.banMethod(), "/", host, settings.banHeader(),
                    path.isEmpty() ? "/" : path));
        }
    }

    private static String text(JsonNode root, String name) {
        JsonNode value = root.get(name);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static Optional<URI> web(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getRawAuthority() != null
                    && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** The origin-form request target: the raw path ({@code /} if empty) and query, ASCII only. */
    static String target(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return ascii(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
    }

    private static String authority(URI uri) {
        return ascii(uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()));
    }

    /** Percent-encodes (UTF-8) every character that is not printable ASCII, so that nothing breaks the request. */
    static String ascii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (b > 0x20 && b < 0x7f) {
                out.append((char) b);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
