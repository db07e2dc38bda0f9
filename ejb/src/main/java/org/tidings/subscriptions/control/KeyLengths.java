package org.tidings.subscriptions.control;

import java.util.Arrays;

/**
 * The distinct lengths of one origin's keys in a {@link UriPrefixTree}, sorted, each with the number of keys of
 * that length: the only prefix lengths of a text worth looking up in its {@link PrefixTable}. An origin's keys
 * (a site's sections, pages and static folders) come in a few lengths. Not thread-safe: the owning tree guards it.
 */
final class KeyLengths {

    private int[] lengths = new int[0];
    private int[] counts = new int[0];

    void added(int length) {
        int at = Arrays.binarySearch(lengths, length);
        if (at >= 0) {
            counts[at]++;
            return;
        }
        int insert = -at - 1;
        lengths = inserted(lengths, insert, length);
        counts = inserted(counts, insert, 1);
    }

    void removed(int length) {
        int at = Arrays.binarySearch(lengths, length);
        if (at >= 0 && --counts[at] == 0) {
            lengths = removed(lengths, at);
            counts = removed(counts, at);
        }
    }

    /** The lengths, ascending; not to be changed. */
    int[] lengths() {
        return lengths;
    }

    private static int[] inserted(int[] array, int at, int value) {
        int[] grown = new int[array.length + 1];
        System.arraycopy(array, 0, grown, 0, at);
        grown[at] = value;
        System.arraycopy(array, at, grown, at + 1, array.length - at);
        return grown;
    }

    private static int[] removed(int[] array, int at) {
        int[] shrunk = new int[array.length - 1];
        System.arraycopy(array, 0, shrunk, 0, at);
        System.arraycopy(array, at + 1, shrunk, at, array.length - at - 1);
        return shrunk;
    }
}
