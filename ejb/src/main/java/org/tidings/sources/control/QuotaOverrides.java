package org.tidings.sources.control;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.tidings.sources.entity.SourceQuota;

/**
 * The sources that have a quota of their own (docs/adr/0017), by id, in memory beside {@link SourceUris}: the events
 * listener reads a source's quota with each event, so without a database query. Lookups take no lock.
 */
public final class QuotaOverrides {

    private final Map<UUID, SourceQuota> byId = new ConcurrentHashMap<>();

    /** Source {@code id} has this quota now (its defaults: none of its own), or is gone (null). */
    public void present(UUID id, SourceQuota quota) {
        if (quota == null || quota.defaults()) {
            byId.remove(id);
        } else {
            byId.put(id, quota);
        }
    }

    /** Exactly these sources have a quota of their own. */
    public synchronized void replaced(Map<UUID, SourceQuota> all) {
        byId.keySet().retainAll(all.keySet());
        all.forEach(this::present);
    }

    /**
     * The quota of the sources holding one URI (the ids {@link SourceUris#idsOf} gives). Normally one source; several
     * only for spellings of one URI provisioned before that was refused: they share one bucket, and each part is the
     * largest one any of them sets. A part one of them leaves at the default does not count: if the default is
     * larger than another's own part, the shared bucket is smaller than that source's default (these overrides do
     * not know the defaults).
     */
    public SourceQuota of(Collection<UUID> ids) {
        if (byId.isEmpty() || ids.isEmpty()) {
            return SourceQuota.DEFAULTS;
        }
        if (ids.size() == 1) {
            return byId.getOrDefault(ids.iterator().next(), SourceQuota.DEFAULTS);
        }
        Double perSecond = null;
        Long burst = null;
        Long maxQueued = null;
        for (UUID id : ids) {
            SourceQuota quota = byId.get(id);
            if (quota != null) {
                perSecond = larger(perSecond, quota.eventsPerSecond());
                burst = larger(burst, quota.burst());
                maxQueued = larger(maxQueued, quota.maxQueued());
            }
        }
        return new SourceQuota(perSecond, burst, maxQueued);
    }

    private static <T extends Comparable<T>> T larger(T a, T b) {
        return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
    }
}
