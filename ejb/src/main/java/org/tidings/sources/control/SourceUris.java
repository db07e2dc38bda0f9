package org.tidings.sources.control;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.tidings.subscriptions.control.UriNormalizer;

/**
 * The provisioned source URIs, keyed by their normalized form (the matching index's, {@link UriNormalizer}), each
 * with the ids of the sources that hold it. A URI is provisioned while any source holds it, so changes applied
 * out of order or twice cannot remove a live source: the delete of one source and the re-creation of its URI by
 * another leave the URI provisioned whichever is applied first. Lookups take no lock; changes are serialized.
 */
public final class SourceUris {

    private final Map<String, Set<UUID>> idsByUri = new ConcurrentHashMap<>();
    private final Map<UUID, String> uriById = new ConcurrentHashMap<>();

    public boolean provisioned(String uri) {
        return resolved(uri) != null;
    }

    /** The key (normalized form) under which a source holds this URI, or null if none holds it. */
    public String resolved(String uri) {
        String key = UriNormalizer.normalize(uri);
        return idsByUri.containsKey(key) ? key : null;
    }

    /** The ids of the sources holding this key (a normalized URI): empty if none does. */
    public Set<UUID> idsOf(String key) {
        return idsByUri.getOrDefault(key, Set.of());
    }

    /** The key (normalized form) of source {@code id}'s URI, or null if there is no such source. */
    public String keyOf(UUID id) {
        return uriById.get(id);
    }

    /** Source {@code id} exists with this URI. */
    public synchronized void present(UUID id, String uri) {
        String key = UriNormalizer.normalize(uri);
        String previous = uriById.put(id, key);
        if (previous != null && !previous.equals(key)) {
            release(previous, id);
        }
        idsByUri.compute(key, (k, ids) -> with(ids, id));
    }

    /** Source {@code id} does not exist (any more). */
    public synchronized void absent(UUID id) {
        String previous = uriById.remove(id);
        if (previous != null) {
            release(previous, id);
        }
    }

    /** Exactly these sources exist, by id and URI. */
    public synchronized void replaced(Map<UUID, String> all) {
        Set<UUID> gone = new HashSet<>(uriById.keySet());
        gone.removeAll(all.keySet());
        gone.forEach(this::absent);
        all.forEach(this::present);
    }

    private void release(String key, UUID id) {
        idsByUri.computeIfPresent(key, (k, ids) -> {
            Set<UUID> left = new HashSet<>(ids);
            left.remove(id);
            return left.isEmpty() ? null : Set.copyOf(left);
        });
    }

    private static Set<UUID> with(Set<UUID> ids, UUID id) {
        if (ids == null) {
            return Set.of(id);
        }
        if (ids.contains(id)) {
            return ids;
        }
        Set<UUID> more = new HashSet<>(ids);
        more.add(id);
        return Set.copyOf(more);
    }
}
