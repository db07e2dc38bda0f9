package org.tidings.subscriptions.control;

import java.util.Set;

/**
 * A 64-bit summary of type names, a Bloom filter with two bits per name chosen by its hash. A filter's signature
 * covers the types and namespaces it names; an event is summarized by one mask per name it answers to (its type
 * and each of its namespaces). A filter can match only if one of those masks lies wholly inside its signature,
 * which settles most candidates without loading their type sets (or, in a {@link FilterList}, the filters
 * themselves). Two bits per name rather than one: a key shared by several filters names several types, and with
 * one bit an event's four names found one of them by chance about one time in five; with two, one in thirty.
 */
final class TypeSignature {

    /** The signature of a filter that constrains no type: it accepts every mask. */
    static final long ANY = -1L;
    private static final long[] NO_MASKS = {};

    private TypeSignature() {
    }

    static long of(Set<String> types, Set<String> namespaces) {
        if (types.isEmpty() && namespaces.isEmpty()) {
            return ANY;
        }
        long bits = 0;
        for (String type : types) {
            bits |= mask(type.hashCode());
        }
        for (String namespace : namespaces) {
            bits |= mask(namespace.hashCode());
        }
        return bits;
    }

    /**
     * The masks of each namespace of the type and of the type itself, hashed in one pass: String's own hash, read
     * at each dot, is the hash of the namespace ending there, so no namespace string is built. None for no type.
     */
    static long[] ofEventType(String type) {
        if (type == null) {
            return NO_MASKS;
        }
        int names = 1;
        for (int i = 0; i < type.length(); i++) {
            names += type.charAt(i) == '.' ? 1 : 0;
        }
        long[] masks = new long[names];
        int name = 0;
        int hash = 0;
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c == '.') {
                masks[name++] = mask(hash);
            }
            hash = 31 * hash + c;
        }
        masks[name] = mask(hash);
        return masks;
    }

    /**
     * Whether a filter (or filters, their signatures ORed) of this signature may accept an event with these masks.
     * An event without a type has none and is let through: the filters themselves then decide.
     */
    static boolean mayAccept(long signature, long[] eventMasks) {
        if (eventMasks.length == 0) {
            return true;
        }
        for (long mask : eventMasks) {
            if ((signature & mask) == mask) {
                return true;
            }
        }
        return false;
    }

    private static long mask(int hashCode) {
        long mixed = hashCode * 0x9E37_79B9_7F4A_7C15L;
        return 1L << (mixed >>> 58) | 1L << ((mixed >>> 52) & 63);
    }
}
