package org.tidings.provisioning.entity;

import java.time.Duration;
import java.time.Instant;

/**
 * How current one in-memory view is: the generation it reflects, the latest one the database had when the view
 * last looked, when that was, and why the last attempt to catch up failed (null if it did not). A readiness check
 * wants {@link #current()} and a small {@link #age}.
 *
 * @param view       which view ("matching index", "source directory")
 * @param applied    the generation the view reflects
 * @param latest     the database's latest generation when the view last read it
 * @param checkedAt  when the view last read the database successfully (it was then current up to {@code latest})
 * @param failure    the last attempt's failure, or null
 */
public record Staleness(String view, long applied, long latest, Instant checkedAt, String failure) {

    public boolean current() {
        return failure == null && applied >= latest;
    }

    /** How long ago the view was last known to be current: what a lost notice or a database outage costs. */
    public Duration age(Instant now) {
        return Duration.between(checkedAt, now);
    }
}
