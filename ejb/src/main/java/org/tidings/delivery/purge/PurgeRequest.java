package org.tidings.delivery.purge;

import java.net.URI;
import java.util.Objects;

/**
 * One body-less invalidation request to one cache server: {@code method target HTTP/1.1} with {@code Host: host}
 * and, for a ban or a purge by surrogate keys, one more header. Two requests that are equal (every component,
 * the extra header's value included) are identical invalidations, which the {@link Coalescer} may send once for both.
 *
 * @param target the request target in origin form ({@code /path?query}), printable ASCII
 * @param host the Host header: the invalidated URI's authority (host and port, no user info), or the cache's own
 *     for a purge by keys
 * @param header the extra header's name, or null
 * @param value the extra header's value: printable ASCII words separated by single spaces (a ban's prefix, the
 *     keys), or null
 */
public record PurgeRequest(URI cache, String method, String target, String host, String header, String value) {

    public PurgeRequest {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(method, "method");
        requirePrintable(target, "target");
        requirePrintable(host, "host");
        if (header != null) {
            requireWords(value);
        }
    }

    private static void requireWords(String value) {
        if (value == null || value.isEmpty() || value.startsWith(" ") || value.endsWith(" ") || value.contains("  ")
                || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("value must be printable ASCII words separated by single spaces: "
                    + value);
        }
    }

    private static void requirePrintable(String text, String name) {
        if (text == null || text.isEmpty() || !text.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(name + " must be printable ASCII without spaces: " + text);
        }
    }

    /** How the request is named in an answer: method, cache, target, Host and the extra header (a prefix, keys). */
    @Override
    public String toString() {
        return method + " " + cache + " " + target + " (Host: " + host + (header == null ? "" : ", " + header + ": "
                + value) + ")";
    }
}
