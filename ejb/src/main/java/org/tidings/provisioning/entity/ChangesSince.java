package org.tidings.provisioning.entity;

import java.util.List;

/**
 * The changes a view that reflects generation {@code after} has not applied yet: those up to {@code latest}, the
 * latest committed generation when they were read. Generations have no gaps, so the log is {@link #complete()}
 * when it still holds one change for each generation in between; when it does not (pruned, or the database was
 * replaced), the view must reload everything.
 */
public record ChangesSince(long after, long latest, List<Change> changes) {

    public ChangesSince {
        changes = List.copyOf(changes);
    }

    public boolean complete() {
        return latest >= after && changes.size() == latest - after;
    }
}
