package org.tidings.provisioning.control;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tidings.provisioning.entity.Change;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.provisioning.entity.ChangesSince;
import org.tidings.provisioning.entity.Staleness;

/**
 * Keeps one in-memory view in step with the change log: remembers the generation the view reflects, re-reads the
 * rows changed since, or has the view reload everything when the log no longer reaches back that far (or at the
 * first call). Catch-ups are serialized, so a view sees its changes in generation order. A failed catch-up leaves
 * the view as it was, at its old generation, and says why in its {@link Staleness}.
 */
public final class ViewFollower {

    /** An in-memory view of some provisioned rows. */
    public interface View {

        /** Replaces the whole view with the committed state. */
        void reloaded();

        /** Re-reads one changed row: present means put, gone means remove. */
        void refreshed(Change change);
    }

    private static final Logger LOG = Logger.getLogger(ViewFollower.class.getName());
    private static final long NEVER = -1;

    private final String name;
    private final Set<ChangeKind> kinds;
    private final Clock clock;
    private volatile Staleness staleness;

    public ViewFollower(String name, Set<ChangeKind> kinds, Clock clock) {
        this.name = name;
        this.kinds = Set.copyOf(kinds);
        this.clock = clock;
        this.staleness = new Staleness(name, NEVER, 0, Instant.EPOCH, "not loaded yet");
    }

    /** Brings the view up to the latest committed generation; never throws, the answer says how it went. */
    public synchronized Staleness caughtUp(ChangeStore store, View view) {
        Staleness before = staleness;
        try {
            ChangesSince pending = store.since(before.applied());
            long reached;
            if (pending.complete()) {
                latestPerRow(pending).values().forEach(view::refreshed);
                reached = pending.latest();
            } else {
                reached = store.latest(); // read first: a change committed during the reload is applied again later
                view.reloaded();
                LOG.info(() -> name + " reloaded at generation " + reached
                        + (before.applied() == NEVER ? "" : " (it was at " + before.applied() + ")"));
            }
            staleness = new Staleness(name, reached, reached, clock.instant(), null);
            if (before.failure() != null && before.applied() != NEVER) {
                LOG.info(() -> name + " caught up again at generation " + reached);
            }
        } catch (RuntimeException e) {
            staleness = new Staleness(name, before.applied(), before.latest(), before.checkedAt(), e.toString());
            // once per outage, not every period
            LOG.log(before.failure() == null ? Level.WARNING : Level.FINE,
                    name + " cannot catch up, stays at generation " + before.applied() + ": " + e);
        }
        return staleness;
    }

    public Staleness staleness() {
        return staleness;
    }

    /** Each changed row once, in the order of its last change: re-reading it gives its latest state anyway. */
    private Map<UUID, Change> latestPerRow(ChangesSince pending) {
        Map<UUID, Change> rows = new LinkedHashMap<>();
        for (Change change : pending.changes()) {
            if (kinds.contains(change.kind())) {
                rows.remove(change.entityId());
                rows.put(change.entityId(), change);
            }
        }
        return rows;
    }
}
