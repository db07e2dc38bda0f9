package org.tidings.subscriptions.control;

/**
 * Removes the {@code .} and {@code ..} segments of a hierarchical path as RFC 3986, 5.2.4 does: {@code /a/./b/../c}
 * becomes {@code /a/c}, and a {@code ..} above the root goes, so {@code /../a} becomes {@code /a}. Unlike
 * {@link java.net.URI#normalize()}, which keeps such leading {@code ..} segments, this is the algorithm of the RFC.
 * Linear in the path's length: each character is appended to and removed from the output at most once.
 */
final class DotSegments {

    private DotSegments() {
    }

    /** The path without dot segments; the path itself when it holds none. */
    static String remove(String path) {
        if (!path.startsWith(".") && !path.contains("/.")) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        int i = 0;
        int n = path.length();
        while (i < n) {
            if (path.startsWith("../", i)) {
                i += 3;
            } else if (path.startsWith("./", i)) {
                i += 2;
            } else if (path.startsWith("/./", i)) {
                i += 2;
            } else if (isWholeSegment(path, i, "/.")) {
                out.append('/');
                i += 2;
            } else if (path.startsWith("/../", i)) {
                dropLastSegment(out);
                i += 3;
            } else if (isWholeSegment(path, i, "/..")) {
                dropLastSegment(out);
                out.append('/');
                i += 3;
            } else if (isWholeSegment(path, i, ".") || isWholeSegment(path, i, "..")) {
                i = n;
            } else {
                int next = path.indexOf('/', path.charAt(i) == '/' ? i + 1 : i);
                int end = next < 0 ? n : next;
                out.append(path, i, end);
                i = end;
            }
        }
        return out.toString();
    }

    /** Whether the text from the offset on is exactly the segment. */
    private static boolean isWholeSegment(String path, int from, String segment) {
        return path.length() - from == segment.length() && path.startsWith(segment, from);
    }

    /** Step 2C of the RFC: the output loses its last segment and the {@code /} before it, if any. */
    private static void dropLastSegment(StringBuilder out) {
        out.setLength(Math.max(out.lastIndexOf("/"), 0));
    }
}
