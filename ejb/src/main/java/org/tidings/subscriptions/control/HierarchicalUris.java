package org.tidings.subscriptions.control;

import java.util.Map;

/**
 * The part after the scheme of a hierarchical URI ({@code scheme://authority/path} or {@code scheme:/path}) in the
 * normal form of {@link UriNormalizer}: the host normalized by {@link HostNames}; a port without leading zeros, and
 * none when it is empty or the scheme's default (RFC 3986, 6.2.3); the path without dot segments (5.2.4), and
 * {@code /} for an empty {@code http}, {@code https}, {@code ws} or {@code wss} path. Userinfo, query and fragment
 * are kept as they are.
 */
final class HierarchicalUris {

    /** The schemes whose default port Tidings knows; they are also those whose empty path is {@code /}. */
    private static final Map<String, String> DEFAULT_PORTS = Map.of("http", "80", "https", "443", "ws", "80",
            "wss", "443");

    private HierarchicalUris() {
    }

    /** Whether the part after the scheme's colon at {@code schemeEnd} starts with {@code /}. */
    static boolean isHierarchical(String uri, int schemeEnd) {
        return uri.startsWith("/", schemeEnd + 1);
    }

    /** The URI from the scheme's colon on, normalized; the scheme is given in lower case. */
    static String normalizeAfterScheme(String scheme, String uri, int schemeEnd) {
        if (!uri.startsWith("//", schemeEnd + 1)) {
            int pathEnd = UriNormalizer.indexOfAny(uri, "?#", schemeEnd + 1);
            return ":" + DotSegments.remove(uri.substring(schemeEnd + 1, pathEnd)) + uri.substring(pathEnd);
        }
        Authority authority = Authority.of(uri, schemeEnd + 3);
        String port = normalPort(scheme, uri.substring(authority.hostEnd(), authority.end()));
        int pathEnd = UriNormalizer.indexOfAny(uri, "?#", authority.end());
        String path = DotSegments.remove(uri.substring(authority.end(), pathEnd));
        return uri.substring(schemeEnd, authority.hostStart())
                + HostNames.normalize(uri.substring(authority.hostStart(), authority.hostEnd()))
                + port + (path.isEmpty() && DEFAULT_PORTS.containsKey(scheme) ? "/" : path)
                + uri.substring(pathEnd);
    }

    /** The host of a {@code scheme://} URI, without userinfo or port; empty when it has no authority. */
    static String host(String uri, int schemeEnd) {
        if (!uri.startsWith("//", schemeEnd + 1)) {
            return "";
        }
        Authority authority = Authority.of(uri, schemeEnd + 3);
        return uri.substring(authority.hostStart(), authority.hostEnd());
    }

    /**
     * The port part ({@code :} and digits, or nothing) in normal form: leading zeros go, and so does an empty or
     * default port. A port that is not all digits is kept as written.
     */
    private static String normalPort(String scheme, String written) {
        if (written.isEmpty() || !written.chars().skip(1).allMatch(c -> c >= '0' && c <= '9')) {
            return written;
        }
        int digit = 1;
        while (digit < written.length() - 1 && written.charAt(digit) == '0') {
            digit++;
        }
        String port = written.substring(digit);
        return port.isEmpty() || port.equals(DEFAULT_PORTS.get(scheme)) ? "" : ":" + port;
    }

    /**
     * Where the parts of an authority lie in a URI: userinfo up to the last {@code @}, then the host (an IP literal
     * in brackets, or up to a {@code :}), then the port with its colon, up to the first {@code /}, {@code ?} or
     * {@code #}.
     */
    private record Authority(int hostStart, int hostEnd, int end) {

        static Authority of(String uri, int start) {
            int end = UriNormalizer.indexOfAny(uri, "/?#", start);
            int at = uri.lastIndexOf('@', end - 1);
            int hostStart = at >= start ? at + 1 : start;
            int bracket = uri.startsWith("[", hostStart) ? uri.indexOf(']', hostStart) : -1;
            int colon = UriNormalizer.indexOfAny(uri, ":", bracket >= 0 && bracket < end ? bracket + 1 : hostStart);
            return new Authority(hostStart, Math.min(colon, end), end);
        }
    }
}
