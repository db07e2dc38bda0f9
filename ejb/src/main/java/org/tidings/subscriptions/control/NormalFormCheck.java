package org.tidings.subscriptions.control;

import java.util.Set;

/**
 * A single scan that recognizes the common spellings already in {@link UriNormalizer}'s normal form, so that the
 * events of a busy pipeline (lower-case {@code https://host/path}, {@code mailto:user@host}, plain text) skip the
 * full rules. It is conservative: true means normalizing would return the text unchanged; false means only that
 * the full rules must decide. Text outside printable ASCII, with an escape, a port, userinfo, an IP literal, an
 * upper-case scheme or host, an A-label, a trailing dot or a dot segment always takes the full rules.
 */
final class NormalFormCheck {

    private static final Set<String> EMPTY_PATH_IS_SLASH = Set.of("http", "https", "ws", "wss");
    private static final Set<String> ADDRESS_SCHEMES = Set.of("mailto", "im", "pres", "sip", "sips");

    private NormalFormCheck() {
    }

    static boolean isPlainlyNormal(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7F || c == '%') {
                return false;
            }
        }
        if (text.contains("xn--")) {
            return false;
        }
        int schemeEnd = UriNormalizer.schemeEnd(text);
        if (schemeEnd < 0) {
            return true;
        }
        if (schemeEnd == 0 || hasUpperCase(text, 0, schemeEnd)) {
            return false;
        }
        if (text.startsWith("//", schemeEnd + 1)) {
            return isPlainlyNormalWithAuthority(text, schemeEnd);
        }
        if (text.startsWith("/", schemeEnd + 1)) {
            return !hasDotSegment(text, schemeEnd + 1, UriNormalizer.indexOfAny(text, "?#", schemeEnd + 1));
        }
        return !isScheme(text, schemeEnd, ADDRESS_SCHEMES) || isPlainlyNormalAddress(text, schemeEnd);
    }

    /** {@code scheme://host/path}: a lower-case host with no userinfo, port or trailing dot; no dot segments. */
    private static boolean isPlainlyNormalWithAuthority(String text, int schemeEnd) {
        int hostStart = schemeEnd + 3;
        int hostEnd = UriNormalizer.indexOfAny(text, "/?#", hostStart);
        if (hostEnd == hostStart || hasUpperCase(text, hostStart, hostEnd) || text.charAt(hostEnd - 1) == '.'
                || UriNormalizer.indexOfAny(text, "@:[", hostStart) < hostEnd) {
            return false;
        }
        int pathEnd = UriNormalizer.indexOfAny(text, "?#", hostEnd);
        if (pathEnd == hostEnd) {
            return !isScheme(text, schemeEnd, EMPTY_PATH_IS_SLASH);
        }
        return !hasDotSegment(text, hostEnd, pathEnd);
    }

    /**
     * {@code mailto:user@host} and the like: nothing upper case from the first {@code @} of the address on (from the
     * colon on when the address has none, as an {@code @}-less SIP address is all host), no host ending in a dot.
     */
    private static boolean isPlainlyNormalAddress(String text, int schemeEnd) {
        int addressEnd = UriNormalizer.indexOfAny(text, text.startsWith("sip") ? ";?#" : "?#", schemeEnd + 1);
        int at = text.indexOf('@', schemeEnd);
        int hostsFrom = at < 0 || at >= addressEnd ? schemeEnd + 1 : at;
        if (hasUpperCase(text, hostsFrom, text.length())) {
            return false;
        }
        for (int i = hostsFrom; i < text.length(); i++) {
            if (text.charAt(i) == '.' && (i + 1 == text.length() || ".,;?#:".indexOf(text.charAt(i + 1)) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a segment in [from, to) may be a dot segment: any {@code /.} there (conservative). */
    private static boolean hasDotSegment(String text, int from, int to) {
        int at = text.indexOf("/.", from);
        return at >= 0 && at < to;
    }

    /** Whether the scheme, already known to be lower case and to end at {@code schemeEnd}, is one of these. */
    private static boolean isScheme(String text, int schemeEnd, Set<String> schemes) {
        for (String scheme : schemes) {
            if (scheme.length() == schemeEnd && text.startsWith(scheme)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasUpperCase(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return true;
            }
        }
        return false;
    }
}
