package org.tidings.subscriptions.control;

import java.net.IDN;

/**
 * The normal form of a host or domain name, so that every spelling DNS resolves alike compares equal:
 * <ol>
 * <li>lower case (RFC 3986, 6.2.2.1), Unicode letters included, except the hex digits of escapes;</li>
 * <li>an ASCII-compatible label ({@code xn--bcher-kva}) becomes its Unicode form ({@code bücher}), the form a
 * Unicode host ({@code BÜCHER}) is already lower-cased to; a label that is no valid IDNA 2003 A-label, such as one
 * made of a deviation character ({@code xn--fa-hia}, {@code faß}), stays as written, and so do the labels of a
 * name longer than DNS allows;</li>
 * <li>one trailing dot goes: {@code example.com.} names the same DNS node as {@code example.com} (RFC 1034, 3.1).
 * A name ending in two dots, or the name {@code .} alone, is kept as it is.</li>
 * </ol>
 * IP literals pass with their hex digits lower-cased.
 */
final class HostNames {

    private static final String ACE_PREFIX = "xn--";
    /**
     * The longest DNS label and name (RFC 1035, 2.3.4): longer ones hold no A-label, and decoding their labels
     * would let one hostile host cost milliseconds.
     */
    private static final int MAX_LABEL = 63;
    private static final int MAX_NAME = 254;

    private HostNames() {
    }

    /** The normal form of the host; the argument itself when it is already normal. */
    static String normalize(String host) {
        String lower = lowercase(host, 0, host.length());
        boolean ace = lower.length() <= MAX_NAME && lower.contains(ACE_PREFIX);
        String text = ace ? unicodeLabels(lower) : lower;
        int last = text.length() - 1;
        if (last > 0 && text.charAt(last) == '.' && text.charAt(last - 1) != '.') {
            text = text.substring(0, last);
        }
        return text.equals(host) ? host : text;
    }

    /**
     * Lower-cases code points in [from, to), leaving the hex digits of escapes upper-case and any code point whose
     * lower case has another length; returns the text itself when nothing there is upper case.
     */
    static String lowercase(String text, int from, int to) {
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

    private static String unicodeLabels(String host) {
        StringBuilder out = new StringBuilder(host.length());
        int start = 0;
        while (start <= host.length()) {
            int dot = host.indexOf('.', start);
            int end = dot < 0 ? host.length() : dot;
            out.append(unicodeLabel(host.substring(start, end)));
            if (dot >= 0) {
                out.append('.');
            }
            start = end + 1;
        }
        return out.toString();
    }

    /** The Unicode form of an A-label, if it round-trips; otherwise the label. */
    private static String unicodeLabel(String label) {
        if (!label.startsWith(ACE_PREFIX) || label.length() > MAX_LABEL) {
            return label;
        }
        String unicode = IDN.toUnicode(label);
        boolean decoded = !unicode.equals(label) && unicode.chars().noneMatch(HostNames::isLabelSeparator);
        return decoded ? lowercase(unicode, 0, unicode.length()) : label;
    }

    /** The full stop and the dots IDNA treats as one. */
    private static boolean isLabelSeparator(int c) {
        return c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61';
    }
}
