package org.tidings.subscriptions.control;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Filters by exact key: subject, domain, type, source or namespace. Most keys name a single filter, so a key maps
 * to that filter itself and grows a {@link FilterList} only when a second one arrives: a million single-subject
 * subscriptions then cost no list objects, and a hit loads one object fewer. Not thread-safe: the owning index
 * guards it.
 */
final class KeyedFilters {

    private final Map<String, Object> byKey = new HashMap<>();

    void add(Set<String> keys, CompiledFilter filter) {
        for (String key : keys) {
            byKey.merge(key, filter, KeyedFilters::joined);
        }
    }

    void remove(Set<String> keys, CompiledFilter filter) {
        for (String key : keys) {
            byKey.computeIfPresent(key, (same, entry) -> without(entry, filter));
        }
    }

    boolean isEmpty() {
        return byKey.isEmpty();
    }

    void check(String key, EventMatches matches) {
        Object entry = byKey.get(key);
        if (entry instanceof CompiledFilter filter) {
            matches.check(filter);
        } else if (entry != null) {
            matches.check((FilterList) entry);
        }
    }

    private static Object joined(Object entry, Object added) {
        FilterList list = entry instanceof FilterList several ? several : new FilterList((CompiledFilter) entry);
        list.add((CompiledFilter) added);
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
