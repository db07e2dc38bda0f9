package org.tidings.subscriptions.control;

/**
 * Percent-encoding normalization (RFC 3986, 6.2.2.2): an escaped unreserved character is decoded
 * ({@code %7e} becomes {@code ~}), every other escape keeps its encoding with upper-case hex digits ({@code %2f}
 * becomes {@code %2F}, never {@code /}, whose meaning differs), and a {@code %} that starts no escape becomes
 * {@code %25}, so that normalizing twice changes nothing.
 */
final class PercentEncoding {

    private PercentEncoding() {
    }

    /** The text with its escapes normalized; the text itself when it has no {@code %}. */
    static String normalize(String text) {
        int first = text.indexOf('%');
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length()).append(text, 0, first);
        int i = first;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 2 >= text.length() || !isAsciiHex(text.charAt(i + 1)) || !isAsciiHex(text.charAt(i + 2))) {
                out.append("%25");
                i++;
                continue;
            }
            char decoded = (char) Integer.parseInt(text, i + 1, i + 3, 16);
            if (isUnreserved(decoded)) {
                out.append(decoded);
            } else {
                out.append('%').append(Character.toUpperCase(text.charAt(i + 1)))
                        .append(Character.toUpperCase(text.charAt(i + 2)));
            }
            i += 3;
        }
        return out.toString();
    }

    private static boolean isAsciiHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
