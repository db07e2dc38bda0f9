package org.tidings.subscriptions.control;

import java.util.Arrays;

/**
 * An unordered list of references kept under one index key. One array slot per entry instead of a hash-set node
 * keeps a million subscriptions within the memory budget; the owner never adds an entry twice, and removal is a
 * scan of this one key's entries, never of the whole index. Not thread-safe: the owning index guards it.
 */
final class Postings<T> {

    private static final Object[] NONE = {};

    private Object[] entries = NONE;
    private int size;

    void add(T entry) {
        if (size == entries.length) {
            entries = Arrays.copyOf(entries, Math.max(2, size + (size >> 1)));
        }
        entries[size++] = entry;
    }

    /** Removes the entry (by identity) by moving the last one into its slot; true if it was there. */
    boolean remove(T entry) {
        for (int i = 0; i < size; i++) {
            if (entries[i] == entry) {
                entries[i] = entries[--size];
                entries[size] = null;
                if (size < entries.length / 4) {
                    entries = Arrays.copyOf(entries, Math.max(2, size * 2));
                }
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    T get(int index) {
        return (T) entries[index];
    }
}
