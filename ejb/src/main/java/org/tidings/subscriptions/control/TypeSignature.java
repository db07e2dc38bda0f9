package org.tidings.subscriptions.control;

import java.util.Set;

/**
 * A 64-bit summary of type names: one bit per name, chosen by its hash. A filter's signature covers the types and
 * namespaces it names; an event's covers its type and each of its namespaces. If they share no bit the filter
 * cannot match, which settles most candidates without loading their type sets (or, in a {@link FilterList},
 * the filters themselves).
 */
final class TypeSignature {

    /** The signature of a filter that constrains no type: it shares a bit with every event. */
    static final long ANY = -1L;

    private TypeSignature() {
    }

    static long of(Set<String> types, Set<String> namespaces) {
        if (types.isEmpty() && namespaces.isEmpty()) {
            return ANY;
        }
        long bits = 0;
        for (String type : types) {
            bits |= bit(type.hashCode());
        }
        for (String namespace : namespaces) {
            bits |= bit(namespace.hashCode());
        }
        return bits;
    }

    /**
     * The bits of the type and each of its namespaces, hashed in one pass: String's own hash, read at each dot,
     * is the hash of the namespace ending there, so no namespace string is built.
     */
    static long ofEventType(String type) {
        if (type == null) {
            return 0;
        }
        long bits = 0;
        int hash = 0;
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c == '.') {
                bits |= bit(hash);
            }
            hash = 31 * hash + c;
        }
        return bits | bit(hash);
    }

    private static long bit(int hashCode) {
        return 1L << ((hashCode ^ (hashCode >>> 16)) & 63);
    }
}
