package org.tidings.subscriptions.control;

/**
 * The keys of a {@link UriPrefixTree} that have an origin, by hash: the keys that are prefixes of a text are found
 * by hashing each of the text's prefixes, the hash built up along the text so that no substring is made, instead
 * of a walk down a radix tree whose every level is a chain of cache misses (node, its characters, its children)
 * once a million subscriptions push the tree out of the CPU cache.
 * <p>
 * Most of a text's prefixes are no key, so a small Bloom filter of the keys' hashes ({@link #mayContain}), a few
 * bits per key in one array that stays in the cache, turns nearly all of them away before the table is touched.
 * Bloom filters cannot forget a key; a removed key's bits stay set, which costs only a wasted lookup, until the
 * filter is rebuilt once as many keys were removed as the table holds. The table itself: open addressing with
 * linear probing, the keys' hashes in an array of their own; a text prefix is compared with a key only when their
 * hashes agree. Not thread-safe: the owning tree guards it.
 */
final class PrefixTable<V> {

    private static final int FIRST_CAPACITY = 8;
    /** Marks a used slot, so that a key whose hash is 0 still differs from an empty slot. */
    private static final long USED = 1L << 32;
    /** Bloom filter bits per table slot: 8 to 16 per key at the table's load, a few percent false positives. */
    private static final int BLOOM_BITS_PER_SLOT = 8;

    private long[] hashes = new long[FIRST_CAPACITY];
    /** Per slot, side by side: the key, then its value, so that a hit finds its value on its key's cache line. */
    private Object[] entries = new Object[2 * FIRST_CAPACITY];
    private long[] bloom = new long[FIRST_CAPACITY * BLOOM_BITS_PER_SLOT / 64];
    private int size;
    private int removedSinceBloom;

    void put(String key, V value) {
        int slot = find(key, key.length(), key.hashCode());
        if (slot < 0) {
            if (4 * (size + 1) > 3 * capacity()) {
                grow();
            }
            slot = freeSlot(key.hashCode());
            size++;
            remember(key.hashCode());
        }
        hashes[slot] = USED | (key.hashCode() & 0xFFFF_FFFFL);
        entries[2 * slot] = key;
        entries[2 * slot + 1] = value;
    }

    void remove(String key) {
        int slot = find(key, key.length(), key.hashCode());
        if (slot < 0) {
            return;
        }
        size--;
        int mask = capacity() - 1;
        int hole = slot;
        // moves later entries of the probe run back, so that no lookup stops short of them
        for (int next = (slot + 1) & mask; hashes[next] != 0; next = (next + 1) & mask) {
            int home = home((int) hashes[next], mask);
            if (((next - home) & mask) >= ((next - hole) & mask)) {
                hashes[hole] = hashes[next];
                entries[2 * hole] = entries[2 * next];
                entries[2 * hole + 1] = entries[2 * next + 1];
                hole = next;
            }
        }
        hashes[hole] = 0;
        entries[2 * hole] = null;
        entries[2 * hole + 1] = null;
        if (++removedSinceBloom > Math.max(size, FIRST_CAPACITY)) {
            rebuildBloom();
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    /**
     * False if no key has this String hash; true if one may. Two bits in one 64-bit word, so one memory access.
     */
    boolean mayContain(int hash) {
        long mixed = mixed(hash);
        long bits = bloomBits(mixed);
        return (bloom[bloomWord(mixed)] & bits) == bits;
    }

    /** The value of the key equal to the text's first {@code length} characters, whose String hash is given. */
    @SuppressWarnings("unchecked")
    V get(String text, int length, int hash) {
        int slot = find(text, length, hash);
        return slot < 0 ? null : (V) entries[2 * slot + 1];
    }

    private int find(String text, int length, int hash) {
        long used = USED | (hash & 0xFFFF_FFFFL);
        int mask = capacity() - 1;
        for (int slot = home(hash, mask); hashes[slot] != 0; slot = (slot + 1) & mask) {
            if (hashes[slot] == used) {
                String key = (String) entries[2 * slot];
                if (key.length() == length && text.startsWith(key)) {
                    return slot;
                }
            }
        }
        return -1;
    }

    private int capacity() {
        return hashes.length;
    }

    private int freeSlot(int hash) {
        int mask = capacity() - 1;
        int slot = home(hash, mask);
        while (hashes[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        Object[] old = entries;
        hashes = new long[old.length];
        entries = new Object[2 * old.length];
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != null) {
                String key = (String) old[i];
                int slot = freeSlot(key.hashCode());
                hashes[slot] = USED | (key.hashCode() & 0xFFFF_FFFFL);
                entries[2 * slot] = key;
                entries[2 * slot + 1] = old[i + 1];
            }
        }
        rebuildBloom();
    }

    /** A filter sized for the table, holding the keys present now: removed keys' stale bits are gone. */
    private void rebuildBloom() {
        bloom = new long[capacity() * BLOOM_BITS_PER_SLOT / 64];
        removedSinceBloom = 0;
        for (int i = 0; i < entries.length; i += 2) {
            if (entries[i] != null) {
                remember(entries[i].hashCode());
            }
        }
    }

    private void remember(int hash) {
        long mixed = mixed(hash);
        bloom[bloomWord(mixed)] |= bloomBits(mixed);
    }

    /** Spreads a String hash over 64 bits: its word in the Bloom filter and its two bits there come from it. */
    private static long mixed(int hash) {
        return hash * 0x9E37_79B9_7F4A_7C15L;
    }

    private int bloomWord(long mixed) {
        return (int) (mixed >>> 20) & (bloom.length - 1);
    }

    private static long bloomBits(long mixed) {
        return 1L << (mixed >>> 58) | 1L << ((mixed >>> 52) & 63);
    }

    /** Fibonacci hashing: String hashes of similar keys differ in their low bits only. */
    private static int home(int hash, int mask) {
        int mixed = hash * 0x9E37_79B9;
        return (mixed ^ (mixed >>> 16)) & mask;
    }
}
