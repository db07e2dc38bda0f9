package org.tidings.subscriptions.control;

/**
 * The keys of a {@link UriPrefixTree} that have an origin, by hash, with the lengths each origin's keys come in:
 * the keys that are prefixes of a text are then found by hashing the text's prefixes of those lengths, a few
 * independent lookups, instead of a walk down a radix tree whose every level is a chain of cache misses (node,
 * its characters, its children) once a million subscriptions push the tree out of the CPU cache. Prefix hashes
 * are String hashes, built up along the text, so no substring is made. Open addressing with linear probing, the
 * keys' hashes in an array of their own; a text prefix is compared with a key only when their hashes agree.
 * Not thread-safe: the owning tree guards it.
 */
final class PrefixTable<V> {

    private static final int FIRST_CAPACITY = 8;
    /** Marks a used slot, so that a key whose hash is 0 still differs from an empty slot. */
    private static final long USED = 1L << 32;

    private long[] hashes = new long[FIRST_CAPACITY];
    private String[] keys = new String[FIRST_CAPACITY];
    private Object[] values = new Object[FIRST_CAPACITY];
    private int size;

    void put(String key, V value) {
        int slot = find(key, key.length(), key.hashCode());
        if (slot < 0) {
            if (4 * (size + 1) > 3 * keys.length) {
                grow();
            }
            slot = freeSlot(key.hashCode());
            size++;
        }
        hashes[slot] = USED | (key.hashCode() & 0xFFFF_FFFFL);
        keys[slot] = key;
        values[slot] = value;
    }

    void remove(String key) {
        int slot = find(key, key.length(), key.hashCode());
        if (slot < 0) {
            return;
        }
        size--;
        int mask = keys.length - 1;
        int hole = slot;
        // moves later entries of the probe run back, so that no lookup stops short of them
        for (int next = (slot + 1) & mask; hashes[next] != 0; next = (next + 1) & mask) {
            int home = home((int) hashes[next], mask);
            if (((next - home) & mask) >= ((next - hole) & mask)) {
                hashes[hole] = hashes[next];
                keys[hole] = keys[next];
                values[hole] = values[next];
                hole = next;
            }
        }
        hashes[hole] = 0;
        keys[hole] = null;
        values[hole] = null;
    }

    /** The value of the key equal to the text's first {@code length} characters, whose String hash is given. */
    @SuppressWarnings("unchecked")
    V get(String text, int length, int hash) {
        int slot = find(text, length, hash);
        return slot < 0 ? null : (V) values[slot];
    }

    private int find(String text, int length, int hash) {
        long used = USED | (hash & 0xFFFF_FFFFL);
        int mask = keys.length - 1;
        for (int slot = home(hash, mask); hashes[slot] != 0; slot = (slot + 1) & mask) {
            if (hashes[slot] == used && keys[slot].length() == length && text.startsWith(keys[slot])) {
                return slot;
            }
        }
        return -1;
    }

    private int freeSlot(int hash) {
        int mask = keys.length - 1;
        int slot = home(hash, mask);
        while (hashes[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        String[] oldKeys = keys;
        Object[] oldValues = values;
        hashes = new long[2 * oldKeys.length];
        keys = new String[2 * oldKeys.length];
        values = new Object[2 * oldKeys.length];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int slot = freeSlot(oldKeys[i].hashCode());
                hashes[slot] = USED | (oldKeys[i].hashCode() & 0xFFFF_FFFFL);
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
            }
        }
    }

    /** Fibonacci hashing: String hashes of similar keys differ in their low bits only. */
    private static int home(int hash, int mask) {
        int mixed = hash * 0x9E37_79B9;
        return (mixed ^ (mixed >>> 16)) & mask;
    }
}
