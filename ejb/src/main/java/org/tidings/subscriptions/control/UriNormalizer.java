package org.tidings.subscriptions.control;

import java.text.Normalizer;
import java.util.Locale;

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
        return NormalFormCheck.isPlainlyNormal(value) ? value : normalizeFully(value);
    }

    /** {@link #normalize} without the check for text that is plainly normal already. */
    static String normalizeFully(String value) {
        try {
            String text = PercentEncoding.normalize(nfc(value));
            int schemeEnd = schemeEnd(text);
            if (schemeEnd > 0) {
                String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
                text = scheme + (HierarchicalUris.isHierarchical(text, schemeEnd)
                        ? HierarchicalUris.normalizeAfterScheme(scheme, text, schemeEnd)
                        : Addresses.normalizeAfterScheme(scheme, text, schemeEnd));
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
        String host = HierarchicalUris.isHierarchical(normalized, schemeEnd)
                ? HierarchicalUris.host(normalized, schemeEnd) : Addresses.host(normalized, schemeEnd);
        return host.isEmpty() ? null : host;
    }

    /** Whether the value starts with a URI scheme ({@code ALPHA *(ALPHA / DIGIT / + / - / .) ":"}). */
    public static boolean isAbsolute(String value) {
        return value != null && schemeEnd(value) > 0;
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

    /** The index of the first of the characters in the text from the offset on, or the text's length. */
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
}
