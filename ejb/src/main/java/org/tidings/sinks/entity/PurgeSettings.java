package org.tidings.sinks.entity;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a purge sink sends where: the cache servers (absolute http or https URLs, at most {@value #MAX_CACHES}), the
 * method that purges one URI ({@value #DEFAULT_PURGE_METHOD} by default), the method and header of a ban by prefix
 * ({@value #DEFAULT_BAN_METHOD} with {@value #DEFAULT_BAN_HEADER} by default), and optionally the header and method
 * of a purge by surrogate keys ({@code keyHeader}, e.g. {@code xkey-purge} or {@code Surrogate-Key}, with
 * {@code keyMethod}, {@value #DEFAULT_KEY_METHOD} by default). Without a key header both are null and the sink sends
 * no purge by keys. Immutable and valid once built.
 */
public record PurgeSettings(List<URI> caches, String purgeMethod, String banMethod, String banHeader,
        String keyHeader, String keyMethod) {

    public static final int MAX_CACHES = 16;
    public static final int MAX_CACHE_URL_CHARS = 2000;
    /** Room for {@link #MAX_CACHES} URLs and the line breaks between them. */
    public static final int CACHES_CHARS = MAX_CACHES * (MAX_CACHE_URL_CHARS + 1);
    public static final int TOKEN_CHARS = 64;
    public static final String DEFAULT_PURGE_METHOD = "PURGE";
    public static final String DEFAULT_BAN_METHOD = "BAN";
    public static final String DEFAULT_BAN_HEADER = "X-Ban-Prefix";
    public static final String DEFAULT_KEY_METHOD = "PURGE";

    /** An HTTP token (RFC 9110, section 5.6.2): what a method and a header name are made of. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1," + TOKEN_CHARS + "}");

    /**
     * Headers a ban or key header must not be, lower case: the request's own Host and framing, and the hop-by-hop
     * headers that would change how the connection carries it (RFC 9110, 7.6.1; RFC 9112).
     */
    private static final Set<String> CLIENT_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect");

    /**
     * @throws IllegalArgumentException saying which setting is wrong: no cache or more than {@value #MAX_CACHES}, a
     *     cache that is not an absolute http or https URL with a host (and without user info, query or fragment), a
     *     method or header name that is not an HTTP token, a CONNECT method, a ban or key header that the HTTP client
     *     sets itself (Host, Content-Length, Transfer-Encoding, Connection and the other hop-by-hop headers, Expect),
     *     a key method without a key header or a key header without a key method
     */
    public PurgeSettings {
        if (caches == null || caches.isEmpty() || caches.size() > MAX_CACHES) {
            throw new IllegalArgumentException("caches must name 1 to " + MAX_CACHES + " cache servers");
        }
        caches = List.copyOf(caches);
        caches.forEach(PurgeSettings::requireCache);
        requireToken("purgeMethod", purgeMethod);
        requireToken("banMethod", banMethod);
        requireToken("banHeader", banHeader);
        requireNotClientHeader("banHeader", banHeader);
        if (keyHeader == null && keyMethod != null) {
            throw new IllegalArgumentException("keyMethod needs a keyHeader (the header that carries the keys)");
        }
        if (keyHeader != null) {
            requireToken("keyHeader", keyHeader);
            requireToken("keyMethod", keyMethod);
            requireNotClientHeader("keyHeader", keyHeader);
        }
        for (String method : keyMethod == null ? List.of(purgeMethod, banMethod)
                : List.of(purgeMethod, banMethod, keyMethod)) {
            if (method.equalsIgnoreCase("CONNECT")) {
                throw new IllegalArgumentException("a purge, ban or key method cannot be CONNECT (it opens a tunnel)");
            }
        }
    }

    /** The settings with the defaults for what is null; no purge by keys without a {@code keyHeader}. */
    public static PurgeSettings of(List<URI> caches, String purgeMethod, String banMethod, String banHeader,
            String keyHeader, String keyMethod) {
        return new PurgeSettings(caches, purgeMethod != null ? purgeMethod : DEFAULT_PURGE_METHOD,
                banMethod != null ? banMethod : DEFAULT_BAN_METHOD, banHeader != null ? banHeader : DEFAULT_BAN_HEADER,
                keyHeader, keyHeader != null && keyMethod == null ? DEFAULT_KEY_METHOD : keyMethod);
    }

    private static void requireNotClientHeader(String name, String header) {
        if (CLIENT_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(name + " must not be a header that frames or routes the request "
                    + "(Host, Content-Length, Transfer-Encoding, Connection, Keep-Alive, Proxy-Connection, TE, "
                    + "Trailer, Upgrade, Expect): " + header);
        }
    }

    private static void requireCache(URI cache) {
        String scheme = cache.getScheme() == null ? "" : cache.getScheme().toLowerCase(Locale.ROOT);
        if (!cache.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || cache.getHost() == null
                || cache.getRawUserInfo() != null || cache.getRawQuery() != null || cache.getRawFragment() != null
                || cache.toString().length() > MAX_CACHE_URL_CHARS) {
            throw new IllegalArgumentException("each cache must be an absolute http or https URL with a host, without "
                    + "user info, query or fragment, at most " + MAX_CACHE_URL_CHARS + " characters");
        }
    }

    private static void requireToken(String name, String value) {
        if (value == null || !TOKEN.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must be an HTTP token of 1 to " + TOKEN_CHARS
                    + " characters (letters, digits and !#$%&'*+.^_`|~-)");
        }
    }
}
