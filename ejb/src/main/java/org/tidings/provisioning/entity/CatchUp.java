package org.tidings.provisioning.entity;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A CDI event: "every in-memory view, bring yourself up to date with the change log now". Each view observes it,
 * catches up and reports how current it is; the one who fired it reads the reports.
 */
public final class CatchUp {

    private final List<Staleness> reports = new CopyOnWriteArrayList<>();

    public void reported(Staleness staleness) {
        reports.add(staleness);
    }

    public List<Staleness> reports() {
        return List.copyOf(reports);
    }

    /** Every view that reported is current. */
    public boolean converged() {
        return reports.stream().allMatch(Staleness::current);
    }
}
