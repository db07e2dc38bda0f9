package org.tidings.subscriptions.control;

import java.util.ArrayList;
import java.util.List;

/**
 * A CloudEvents SQL {@code LIKE} pattern, matched in time linear in the value times the pattern length, never
 * exponential: {@code %} matches any run of characters, {@code _} any one character (one Unicode code point),
 * {@code \%} and {@code \_} the characters themselves; any other character, a backslash included, itself.
 * <p>
 * The SDK turns a pattern into a backtracking regular expression, whose cost grows with the value's length to
 * the power of the number of {@code %}: one event with a 200 KB subject against {@code '%@%.example.com'} held a
 * core for minutes. Here the pattern is cut at each {@code %} into segments; the first must match at the start,
 * the last at the end, and each middle one is placed at its leftmost fit after the previous one, which is where a
 * match is found if there is any (what a later segment needs is only what comes after). Each start position is
 * tried once per segment, so a match costs at most the value's length times the pattern's. One deliberate
 * difference from the SDK: its regular expression does not let {@code %} or {@code _} match a line terminator;
 * here they match any character, as the CloudEvents SQL specification says.
 */
final class LikePattern {

    private final Segment[] segments;

    private LikePattern(Segment[] segments) {
        this.segments = segments;
    }

    static LikePattern compile(String pattern) {
        List<Segment> segments = new ArrayList<>();
        StringBuilder chars = new StringBuilder();
        StringBuilder anyMarks = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            boolean escaped = c == '\\' && i + 1 < pattern.length()
                    && (pattern.charAt(i + 1) == '%' || pattern.charAt(i + 1) == '_');
            if (escaped) {
                c = pattern.charAt(++i);
            }
            if (c == '%' && !escaped) {
                segments.add(new Segment(chars.toString(), anyMarks.toString()));
                chars.setLength(0);
                anyMarks.setLength(0);
            } else {
                chars.append(c);
                anyMarks.append(c == '_' && !escaped ? '1' : '0');
            }
        }
        segments.add(new Segment(chars.toString(), anyMarks.toString()));
        return new LikePattern(segments.toArray(Segment[]::new));
    }

    boolean matches(String value) {
        Segment first = segments[0];
        if (segments.length == 1) {
            return first.matchAt(value, 0) == value.length();
        }
        int from = first.matchAt(value, 0);
        int lastStart = segments[segments.length - 1].matchEndingAt(value, value.length());
        if (from < 0 || lastStart < from) {
            return false;
        }
        for (int s = 1; s < segments.length - 1; s++) {
            from = segments[s].leftmostEnd(value, from, lastStart);
            if (from < 0) {
                return false;
            }
        }
        return true;
    }

    /** The characters between two {@code %}; {@code any[i]} marks a {@code _}. */
    private static final class Segment {
        private final char[] chars;
        private final boolean[] any;

        Segment(String chars, String anyMarks) {
            this.chars = chars.toCharArray();
            this.any = new boolean[this.chars.length];
            for (int i = 0; i < this.any.length; i++) {
                this.any[i] = anyMarks.charAt(i) == '1';
            }
        }

        /** Where the segment ends when it starts at {@code at}, or -1 if it does not match there. */
        int matchAt(String value, int at) {
            int p = at;
            for (int i = 0; i < chars.length; i++) {
                if (p >= value.length()) {
                    return -1;
                }
                if (any[i]) {
                    p += codePointWidthAt(value, p);
                } else if (value.charAt(p) == chars[i]) {
                    p++;
                } else {
                    return -1;
                }
            }
            return p;
        }

        /** Where the segment starts when it ends at {@code end}, or -1 if it does not match there. */
        int matchEndingAt(String value, int end) {
            int p = end;
            for (int i = chars.length - 1; i >= 0; i--) {
                if (p <= 0) {
                    return -1;
                }
                if (any[i]) {
                    p -= codePointWidthBefore(value, p);
                } else if (value.charAt(p - 1) == chars[i]) {
                    p--;
                } else {
                    return -1;
                }
            }
            return p;
        }

        /** The end of the leftmost match starting at or after {@code from} and ending by {@code limit}, or -1. */
        int leftmostEnd(String value, int from, int limit) {
            for (int start = from; start <= limit; start++) {
                int end = matchAt(value, start);
                if (end > limit) {
                    return -1;
                }
                if (end >= 0) {
                    return end;
                }
            }
            return -1;
        }

        private static int codePointWidthAt(String value, int p) {
            return Character.isHighSurrogate(value.charAt(p)) && p + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(p + 1)) ? 2 : 1;
        }

        private static int codePointWidthBefore(String value, int p) {
            return Character.isLowSurrogate(value.charAt(p - 1)) && p >= 2
                    && Character.isHighSurrogate(value.charAt(p - 2)) ? 2 : 1;
        }
    }
}
