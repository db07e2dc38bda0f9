package org.tidings.subscriptions.control;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one normalization applied to both sides of every subject, source and URI comparison, so that two spellings
 * of one resource compare equal (S2S-12, RUP-20): the syntax-based rules of RFC 3986, 6.2.2, the scheme-based rules
 * of 6.2.3 for {@code http}, {@code https}, {@code ws} and {@code wss}, and Unicode NFC (docs/adr/0009). The rules:
 * <ol>
 * <li>percent-encoding as in {@link PercentEncoding}: {@code %7e} is {@code ~}, {@code %2f} is {@code %2F} and
 * never {@code /}; escaped UTF-8 is not decoded, so {@code zo%C3%AB} and {@code zoë} differ;</li>
 * <li>the scheme is lower-cased; the host is normalized by {@link HostNames} (lower case, A-labels in Unicode
 * form, no trailing dot): the authority's host for {@code scheme://} URIs, the part after {@code @} for
 * mailbox-style schemes ({@code mailto}, {@code im}, {@code pres}, {@code sip}, {@code sips}), or the whole address
 * of an {@code @}-less SIP URI; user parts, paths and queries keep their case;</li>
 * <li>a port with leading zeros loses them, and an empty port or the scheme's default port goes with its colon
 * ({@code http://a:80/} is {@code http://a/});</li>
 * <li>the dot segments of a hierarchical path ({@code scheme://} or {@code scheme:/}) are removed as in RFC 3986,
 * 5.2.4; opaque URIs ({@code mailto:}, {@code urn:}), text without a scheme, queries and fragments keep theirs;</li>
 * <li>an empty {@code http}, {@code https}, {@code ws} or {@code wss} path is {@code /};</li>
 * <li>Unicode NFC, before and after, so composed and decomposed spellings ({@code ë} and {@code e} + U+0308)
 * compare equal and a combining mark cannot join the hex digit of an escape.</li>
 * </ol>
 * Normalizing twice changes nothing more. Odd input never throws; it falls back to its NFC form. Cost is linear in
 * the length of the input.
 */
public final class UriNormalizer {

    private static final List<String> MAILBOX_SCHEMES = List.of("mailto", "im", "pres");
    private static final List<String> SIP_SCHEMES = List.of("sip", "sips");
    private static final Map<String, String> DEFAULT_PORTS = Map.of("http", "80", "https", "443", "ws", "80",
            "wss", "443");

    private UriNormalizer() {
    }

    /**
     * The normalized form of a URI, an address or any other subject; the argument itself when it is already
     * normalized (so an already normal address costs a few scans), null for null. Never throws.
     */
    public static String normalize(String value) {
        if (value == null) {
            return null;
        }
        try {
            String text = PercentEncoding.normalize(nfc(value));
            int schemeEnd = schemeEnd(text);
            if (schemeEnd > 0) {
                String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
                text = scheme + normalizeAfterScheme(scheme, text, schemeEnd);
            }
            String result = nfc(text);
            return result.equals(value) ? value : result;
        } catch (RuntimeException oddInput) {
            return nfc(value);
        }
    }

    /** A domain as written in a filter: the same percent, host and NFC rules as a host; {@code *.} is kept. */
    public static String normalizeDomain(String domain) {
        if (domain == null) {
            return null;
        }
        String result = nfc(HostNames.normalize(PercentEncoding.normalize(nfc(domain))));
        return result.equals(domain) ? domain : result;
    }

    /**
     * The domain of a normalized subject: the host of a {@code scheme://} URI without user or port, the part after
     * {@code @} of a mailbox-style or SIP address; null for anything else ({@code tel:}, {@code urn:}, no scheme).
     */
    public static String domainOf(String normalized) {
        int schemeEnd = normalized == null ? -1 : schemeEnd(normalized);
        if (schemeEnd <= 0) {
            return null;
        }
        String host;
        if (normalized.startsWith("//", schemeEnd + 1)) {
            Authority authority = Authority.of(normalized, schemeEnd + 3);
            host = normalized.substring(authority.hostStart(), authority.hostEnd());
        } else {
            long range = addressHost(normalized, schemeEnd);
            host = range < 0 ? "" : normalized.substring((int) (range >>> 32), (int) range);
            int end = host.startsWith("[") ? host.indexOf(']') + 1 : host.indexOf(':');
            host = end > 0 ? host.substring(0, end) : host;
        }
        return host.isEmpty() ? null : host;
    }

    /** Whether the value starts with a URI scheme ({@code ALPHA *(ALPHA / DIGIT / + / - / .) ":"}). */
    public static boolean isAbsolute(String value) {
        return value != null && schemeEnd(value) > 0;
    }

    /** Everything from the scheme's colon on, normalized for the scheme's kind of URI. */
    private static String normalizeAfterScheme(String scheme, String text, int schemeEnd) {
        if (text.startsWith("//", schemeEnd + 1)) {
            Authority authority = Authority.of(text, schemeEnd + 3);
            String port = normalPort(scheme, text.substring(authority.hostEnd(), authority.end()));
            int pathEnd = indexOfAny(text, "?#", authority.end());
            String path = DotSegments.remove(text.substring(authority.end(), pathEnd));
            return text.substring(schemeEnd, authority.hostStart())
                    + HostNames.normalize(text.substring(authority.hostStart(), authority.hostEnd()))
                    // the schemes with a default port here are those whose empty path is "/"
                    + port + (path.isEmpty() && DEFAULT_PORTS.containsKey(scheme) ? "/" : path)
                    + text.substring(pathEnd);
        }
        if (text.startsWith("/", schemeEnd + 1)) {
            int pathEnd = indexOfAny(text, "?#", schemeEnd + 1);
            return ":" + DotSegments.remove(text.substring(schemeEnd + 1, pathEnd)) + text.substring(pathEnd);
        }
        if (MAILBOX_SCHEMES.contains(scheme)) {
            return mailboxHosts(text, schemeEnd);
        }
        long host = addressHost(text, schemeEnd);
        return host < 0 ? text.substring(schemeEnd) : text.substring(schemeEnd, (int) (host >>> 32))
                + hostAndPort(text.substring((int) (host >>> 32), (int) host)) + text.substring((int) host);
    }

    /** A host with an optional {@code :port} after it, the host normalized and the port kept. */
    private static String hostAndPort(String written) {
        int bracket = written.startsWith("[") ? written.indexOf(']') : -1;
        int colon = written.indexOf(':', Math.max(bracket, 0));
        int hostEnd = colon < 0 ? written.length() : colon;
        return HostNames.normalize(written.substring(0, hostEnd)) + written.substring(hostEnd);
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

    /** Every address of a mailbox list with its host normalized, from the colon on. */
    private static String mailboxHosts(String uri, int schemeEnd) {
        int end = indexOfAny(uri, "?#", schemeEnd + 1);
        StringBuilder out = new StringBuilder(uri.length());
        int copied = schemeEnd;
        for (int at = uri.indexOf('@', schemeEnd); at >= 0 && at < end; at = uri.indexOf('@', at + 1)) {
            int hostEnd = Math.min(indexOfAny(uri, ",", at + 1), end);
            out.append(uri, copied, at + 1).append(hostAndPort(uri.substring(at + 1, hostEnd)));
            copied = hostEnd;
            at = Math.max(at, hostEnd - 1);
        }
        return out.append(uri, copied, uri.length()).toString();
    }

    /**
     * Start (high half) and end (low half) of the host, port included, of a mailbox-style or SIP address: the first
     * address's part after its last {@code @}, or the whole of an {@code @}-less SIP address; -1 for other schemes.
     */
    private static long addressHost(String uri, int schemeEnd) {
        boolean sip = isScheme(uri, schemeEnd, SIP_SCHEMES);
        if (!sip && !isScheme(uri, schemeEnd, MAILBOX_SCHEMES)) {
            return -1;
        }
        int end = indexOfAny(uri, sip ? ";?#" : ",?#", schemeEnd + 1);
        int at = uri.lastIndexOf('@', end - 1);
        if (at > schemeEnd) {
            return ((long) (at + 1) << 32) | end;
        }
        return sip ? ((long) (schemeEnd + 1) << 32) | end : -1;
    }

    /** The index of the colon that ends the text's scheme, or -1 when it starts with none. */
    static int schemeEnd(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':') {
                return i;
            }
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
            if (!letter && (i == 0 || !other)) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isScheme(String uri, int schemeEnd, List<String> schemes) {
        for (String scheme : schemes) {
            if (scheme.length() == schemeEnd && uri.regionMatches(true, 0, scheme, 0, schemeEnd)) {
                return true;
            }
        }
        return false;
    }

    static int indexOfAny(String text, String characters, int from) {
        for (int i = from; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }

    /** Text made only of code points below U+0300 is already NFC; the check spares the normalizer on ASCII. */
    private static String nfc(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= '\u0300') {
                return Normalizer.normalize(text, Normalizer.Form.NFC);
            }
        }
        return text;
    }

    /**
     * Where the parts of an authority lie in a URI: userinfo up to the last {@code @}, then the host (an IP literal
     * in brackets, or up to a {@code :}), then the port with its colon, up to the first {@code /}, {@code ?} or
     * {@code #}.
     */
    private record Authority(int hostStart, int hostEnd, int end) {

        static Authority of(String uri, int start) {
            int end = indexOfAny(uri, "/?#", start);
            int at = uri.lastIndexOf('@', end - 1);
            int hostStart = at >= start ? at + 1 : start;
            int bracket = uri.startsWith("[", hostStart) ? uri.indexOf(']', hostStart) : -1;
            int colon = indexOfAny(uri, ":", bracket >= 0 && bracket < end ? bracket + 1 : hostStart);
            return new Authority(hostStart, Math.min(colon, end), end);
        }
    }
}
