package org.tidings.subscriptions.control;

import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Filters by exact key: subject, domain, type, source or namespace. Most keys name a single filter, so a key maps
 * to that filter itself and grows a {@link FilterList} only when a second one arrives.
 * <p>
 * An open-addressing table rather than a HashMap: with a million keys every step of a lookup is a cache miss, and
 * a HashMap hit costs four of them (bucket, node, key string, its bytes) before the filter is even loaded. Here
 * each slot keeps the key's hash and the type signatures of its filters side by side in one array, so most
 * lookups end after one miss: an empty slot, or a key whose filters cannot accept the event's type. Only the rest
 * load the key to compare it, then the filters. Not thread-safe: the owning index guards it.
 * <p>
 * Keys come from subscribers (subjects, domains), so their hashes must not let anyone choose where keys land
 * (RUP-17). {@link String#hashCode} is cached in the string, hence cheap, but whole families of strings share one
 * value ("Aa" and "BB", and every join of them): a table keyed on it degrades into one probe run that every add
 * and lookup walks. So the slot comes from the String hash mixed with a random seed of this table, which hides
 * where a hash lands; and once {@value #MAX_EQUAL_HASHES} keys of one String hash meet in one probe run, which
 * random keys practically never do, the table switches for good to a seeded hash over the keys' characters
 * ({@link #spreadHash}), which costs a pass over each key looked up, and rehashes its keys.
 */
final class KeyedFilters {

    private static final int FIRST_CAPACITY = 8;
    /** Marks a used slot, so that a key whose hash is 0 still differs from an empty slot. */
    private static final long USED = 1L << 32;
    /** Keys of one String hash in one probe run that make the table hash keys over their characters. */
    static final int MAX_EQUAL_HASHES = 8;

    private final long seed = ThreadLocalRandom.current().nextLong();
    /** Whether keys are hashed by {@link #spreadHash} rather than by their String hash. */
    private boolean spread;

    /** Per slot, side by side: USED | the key's hash (0 when empty), then its filters' type signatures ORed. */
    private long[] hashesAndSignatures = new long[2 * FIRST_CAPACITY];
    /**
     * Per slot, side by side: the key, then a {@link CompiledFilter}, or a {@link FilterList} when several share
     * the key. One array rather than two, so that a hit finds its value on the cache line of its key.
     */
    private Object[] entries = new Object[2 * FIRST_CAPACITY];
    private int size;

    void add(Set<String> keys, CompiledFilter filter) {
        for (String key : keys) {
            int slot = find(key);
            if (slot < 0) {
                growIfFull();
                occupy(freeSlot(hash(key)), key, filter);
                size++;
                if (!spread && equalHashesInRun(hash(key)) >= MAX_EQUAL_HASHES) {
                    spread = true;
                    rehash(capacity());
                }
            } else {
                entries[2 * slot + 1] = joined(entries[2 * slot + 1], filter);
                hashesAndSignatures[2 * slot + 1] |= filter.typeSignature;
            }
        }
    }

    void remove(Set<String> keys, CompiledFilter filter) {
        for (String key : keys) {
            int slot = find(key);
            if (slot >= 0) {
                Object rest = without(entries[2 * slot + 1], filter);
                if (rest == null) {
                    vacate(slot);
                    size--;
                } else {
                    occupy(slot, key, rest);
                }
            }
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    void check(String key, EventMatches matches) {
        int hash = hash(key);
        long used = USED | (hash & 0xFFFF_FFFFL);
        long[] eventTypeMasks = matches.eventTypeMasks();
        int mask = capacity() - 1;
        for (int slot = home(hash, mask); hashesAndSignatures[2 * slot] != 0; slot = (slot + 1) & mask) {
            if (hashesAndSignatures[2 * slot] == used
                    && TypeSignature.mayAccept(hashesAndSignatures[2 * slot + 1], eventTypeMasks)
                    && key.equals(entries[2 * slot])) {
                if (entries[2 * slot + 1] instanceof CompiledFilter filter) {
                    matches.check(filter);
                } else {
                    matches.check((FilterList) entries[2 * slot + 1]);
                }
                return;
            }
        }
    }

    private int find(String key) {
        int hash = hash(key);
        int mask = capacity() - 1;
        for (int slot = home(hash, mask); hashesAndSignatures[2 * slot] != 0; slot = (slot + 1) & mask) {
            if ((int) hashesAndSignatures[2 * slot] == hash && key.equals(entries[2 * slot])) {
                return slot;
            }
        }
        return -1;
    }

    private int capacity() {
        return entries.length / 2;
    }

    private int freeSlot(int hash) {
        int mask = capacity() - 1;
        int slot = home(hash, mask);
        while (hashesAndSignatures[2 * slot] != 0) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void occupy(int slot, String key, Object value) {
        hashesAndSignatures[2 * slot] = USED | (hash(key) & 0xFFFF_FFFFL);
        hashesAndSignatures[2 * slot + 1] = value instanceof FilterList list ? list.typeSignatures()
                : ((CompiledFilter) value).typeSignature;
        entries[2 * slot] = key;
        entries[2 * slot + 1] = value;
    }

    /** Empties the slot and moves later entries of its probe run back, so that no lookup stops short of them. */
    private void vacate(int slot) {
        int mask = capacity() - 1;
        int hole = slot;
        for (int next = (slot + 1) & mask; hashesAndSignatures[2 * next] != 0; next = (next + 1) & mask) {
            int home = home((int) hashesAndSignatures[2 * next], mask);
            if (((next - home) & mask) >= ((next - hole) & mask)) {
                hashesAndSignatures[2 * hole] = hashesAndSignatures[2 * next];
                hashesAndSignatures[2 * hole + 1] = hashesAndSignatures[2 * next + 1];
                entries[2 * hole] = entries[2 * next];
                entries[2 * hole + 1] = entries[2 * next + 1];
                hole = next;
            }
        }
        hashesAndSignatures[2 * hole] = 0;
        hashesAndSignatures[2 * hole + 1] = 0;
        entries[2 * hole] = null;
        entries[2 * hole + 1] = null;
    }

    /** Doubles the table before it is three quarters full, which keeps probe runs short. */
    private void growIfFull() {
        if (4 * (size + 1) <= 3 * capacity()) {
            return;
        }
        rehash(2 * capacity());
    }

    /** Places every key anew in a table of the given capacity, by the current hash. */
    private void rehash(int newCapacity) {
        Object[] old = entries;
        hashesAndSignatures = new long[2 * newCapacity];
        entries = new Object[2 * newCapacity];
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != null) {
                String key = (String) old[i];
                occupy(freeSlot(hash(key)), key, old[i + 1]);
            }
        }
    }

    /** How many keys of this hash sit in the probe run from its home slot to the first empty slot. */
    private int equalHashesInRun(int hash) {
        long used = USED | (hash & 0xFFFF_FFFFL);
        int mask = capacity() - 1;
        int equal = 0;
        for (int slot = home(hash, mask); hashesAndSignatures[2 * slot] != 0; slot = (slot + 1) & mask) {
            equal += hashesAndSignatures[2 * slot] == used ? 1 : 0;
        }
        return equal;
    }

    private int hash(String key) {
        return spread ? spreadHash(key) : key.hashCode();
    }

    /** A hash of the key's characters under this table's seed: keys sharing it under one seed differ under another. */
    private int spreadHash(String key) {
        long h = seed;
        for (int i = 0; i < key.length(); i++) {
            h = (h ^ key.charAt(i)) * 0x9E37_79B9_7F4A_7C15L;
            h ^= h >>> 29;
        }
        h ^= h >>> 32;
        h *= 0xD6E8_FEB8_6659_FD93L;
        return (int) (h ^ (h >>> 32));
    }

    /**
     * The slot a hash starts probing at: the hash mixed with the seed (murmur's finalizer), so that which String
     * hashes share a slot depends on the seed, not on the hashes alone.
     */
    private int home(int hash, int mask) {
        int mixed = hash ^ (int) seed;
        mixed = (mixed ^ (mixed >>> 16)) * 0x85EB_CA6B;
        mixed = (mixed ^ (mixed >>> 13)) * 0xC2B2_AE35;
        return (mixed ^ (mixed >>> 16)) & mask;
    }

    private static Object joined(Object entry, CompiledFilter added) {
        FilterList list = entry instanceof FilterList several ? several : new FilterList((CompiledFilter) entry);
        list.add(added);
        return list;
    }

    /** The entry without the filter: null when nothing is left, the last filter itself when one is. */
    private static Object without(Object entry, CompiledFilter filter) {
        if (entry == filter) {
            return null;
        }
        if (entry instanceof FilterList list && list.remove(filter)) {
            return list.only() != null ? list.only() : list;
        }
        return entry;
    }
}
