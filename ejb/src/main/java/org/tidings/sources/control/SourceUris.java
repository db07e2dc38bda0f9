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
 * another leave the URI provisioned whichever is applied first. Each source may name the broker user that speaks for
 * it (docs/adr/0021). Lookups take no lock; changes are serialized.
 */
public final class SourceUris {

    private final Map<String, Set<UUID>> idsByUri = new ConcurrentHashMap<>();
    private final Map<UUID, String> uriById = new ConcurrentHashMap<>();
    private final Map<UUID, String> brokerUserById = new ConcurrentHashMap<>();

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

    /**
     * Whether broker user {@code user} speaks for a source that holds the URI with this key (as {@link #resolved}
     * gives it): several sources may hold spellings of one URI, and one user may speak for several sources.
     */
    public boolean spokenForBy(String key, String user) {
        Set<UUID> ids = idsByUri.get(key);
        return user != null && ids != null && ids.stream().anyMatch(id -> user.equals(brokerUserById.get(id)));
    }

    /** Source {@code id} exists with this URI, and no broker user speaks for it. */
    public void present(UUID id, String uri) {
        present(id, uri, null);
    }

    /** Source {@code id} exists with this URI, and broker user {@code brokerUser} speaks for it (null: none does). */
    public synchronized void present(UUID id, String uri, String brokerUser) {
        if (brokerUser == null) {
            brokerUserById.remove(id);
        } else {
            brokerUserById.put(id, brokerUser);
        }
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
        brokerUserById.remove(id);
        if (previous != null) {
            release(previous, id);
        }
    }

    /** Exactly these sources exist, by id and URI, and no broker user speaks for any. */
    public void replaced(Map<UUID, String> all) {
        replaced(all, Map.of());
    }

    /** Exactly these sources exist, by id and URI, with these broker users (by source id; absent: none). */
    public synchronized void replaced(Map<UUID, String> all, Map<UUID, String> brokerUsers) {
        Set<UUID> gone = new HashSet<>(uriById.keySet());
        gone.removeAll(all.keySet());
        gone.forEach(this::absent);
        all.forEach((id, uri) -> present(id, uri, brokerUsers.get(id)));
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
