package org.tidings.subscriptions.control;

import java.text.Normalizer;
import java.util.List;

/**
 * The one normalization applied to both sides of every subject, source and URI comparison, so that two spellings
 * of one address compare equal (S2S-12). The rules:
 * <ol>
 * <li>percent-encoding as in {@link PercentEncoding}: {@code %7e} is {@code ~}, {@code %2f} is {@code %2F} and
 * never {@code /}; escaped UTF-8 is not decoded, so {@code zo%C3%AB} and {@code zoë} differ;</li>
 * <li>the scheme is lower-cased, and so is the host: the authority's host for {@code scheme://} URIs, the part
 * after {@code @} for mailbox-style schemes ({@code mailto}, {@code im}, {@code pres}, {@code sip}, {@code sips}),
 * or the whole address of an {@code @}-less SIP URI; user parts, paths and queries keep their case;</li>
 * <li>Unicode NFC, before and after, so composed and decomposed spellings ({@code ë} and {@code e} + U+0308)
 * compare equal and a combining mark cannot join the hex digit of an escape.</li>
 * </ol>
 * No IDNA conversion: {@code xn--} labels and their Unicode form stay distinct. Odd input never throws; it falls
 * back to its NFC form.
 */
public final class UriNormalizer {

    private static final List<String> MAILBOX_SCHEMES = List.of("mailto", "im", "pres");
    private static final List<String> SIP_SCHEMES = List.of("sip", "sips");
    private static final long NO_HOST = -1;

    private UriNormalizer() {
    }

    /**
     * The normalized form of a URI or address; the argument itself when it is already normalized. Each step
     * copies the text only when it changes something, so an already normal address costs a few scans.
     */
    public static String normalize(String value) {
        if (value == null) {
            return null;
        }
        try {
            String text = PercentEncoding.normalize(nfc(value));
            int schemeEnd = schemeEnd(text);
            if (schemeEnd > 0) {
                text = lowercase(text, 0, schemeEnd);
                text = lowercaseHosts(text, schemeEnd);
            }
            String result = nfc(text);
            return result.equals(value) ? value : result;
        } catch (RuntimeException oddInput) {
            return nfc(value);
        }
    }

    /** A domain as written in a filter: the same percent, case and NFC rules as a host; {@code *.} is kept. */
    public static String normalizeDomain(String domain) {
        if (domain == null) {
            return null;
        }
        String text = PercentEncoding.normalize(nfc(domain));
        String result = nfc(lowercase(text, 0, text.length()));
        return result.equals(domain) ? domain : result;
    }

    /**
     * The domain of a normalized subject: the host of a {@code scheme://} URI without user or port, the part after
     * {@code @} of a mailbox-style or SIP address; null for anything else ({@code tel:}, {@code urn:}, no scheme).
     */
    public static String domainOf(String normalized) {
        int schemeEnd = normalized == null ? -1 : schemeEnd(normalized);
        long host = schemeEnd > 0 ? hostRange(normalized, schemeEnd) : NO_HOST;
        if (host == NO_HOST) {
            return null;
        }
        int start = (int) (host >>> 32);
        int end = (int) host;
        if (normalized.startsWith("[", start)) {
            int bracket = normalized.indexOf(']', start);
            end = bracket >= 0 && bracket < end ? bracket + 1 : end;
        } else {
            int port = normalized.indexOf(':', start);
            end = port >= 0 && port < end ? port : end;
        }
        return end > start ? normalized.substring(start, end) : null;
    }

    /** Whether the value starts with a URI scheme ({@code ALPHA *(ALPHA / DIGIT / + / - / .) ":"}). */
    public static boolean isAbsolute(String value) {
        return value != null && schemeEnd(value) > 0;
    }

    private static int schemeEnd(String text) {
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

    /** Lower-cases the host of a URI whose scheme is already lower case; every address of a mailto list. */
    private static String lowercaseHosts(String uri, int schemeEnd) {
        if (!uri.startsWith("//", schemeEnd + 1) && isScheme(uri, schemeEnd, MAILBOX_SCHEMES)) {
            int end = indexOfAny(uri, "?#", schemeEnd + 1);
            String text = uri;
            for (int at = uri.indexOf('@', schemeEnd); at >= 0 && at < end; at = uri.indexOf('@', at + 1)) {
                text = lowercase(text, at + 1, Math.min(indexOfAny(uri, ",", at + 1), end));
            }
            return text;
        }
        long host = hostRange(uri, schemeEnd);
        return host == NO_HOST ? uri : lowercase(uri, (int) (host >>> 32), (int) host);
    }

    /** Start (high half) and end (low half) of the host, port included, or NO_HOST. */
    private static long hostRange(String uri, int schemeEnd) {
        if (uri.startsWith("//", schemeEnd + 1)) {
            int start = schemeEnd + 3;
            int end = indexOfAny(uri, "/?#", start);
            int at = uri.lastIndexOf('@', end - 1);
            return range(at >= start ? at + 1 : start, end);
        }
        boolean sip = isScheme(uri, schemeEnd, SIP_SCHEMES);
        if (!sip && !isScheme(uri, schemeEnd, MAILBOX_SCHEMES)) {
            return NO_HOST;
        }
        int end = indexOfAny(uri, sip ? ";?#" : ",?#", schemeEnd + 1);
        int at = uri.lastIndexOf('@', end - 1);
        if (at > schemeEnd) {
            return range(at + 1, end);
        }
        return sip ? range(schemeEnd + 1, end) : NO_HOST;
    }

    private static long range(int start, int end) {
        return ((long) start << 32) | end;
    }

    private static boolean isScheme(String uri, int schemeEnd, List<String> schemes) {
        for (String scheme : schemes) {
            if (scheme.length() == schemeEnd && uri.startsWith(scheme)) {
                return true;
            }
        }
        return false;
    }

    private static int indexOfAny(String text, String characters, int from) {
        for (int i = from; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }

    /**
     * Lower-cases code points in [from, to), leaving the hex digits of escapes upper-case and any code point whose
     * lower case has another length; returns the text itself when nothing there is upper case.
     */
    private static String lowercase(String text, int from, int to) {
        StringBuilder out = null;
        int i = from;
        while (i < to) {
            int codePoint = text.codePointAt(i);
            int width = Character.charCount(codePoint);
            int lower = codePoint == '%' ? codePoint : Character.toLowerCase(codePoint);
            if (lower != codePoint && Character.charCount(lower) == width) {
                if (out == null) {
                    out = new StringBuilder(text);
                }
                out.replace(i, i + width, Character.toString(lower));
            }
            i += codePoint == '%' ? 3 : width;
        }
        return out == null ? text : out.toString();
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
