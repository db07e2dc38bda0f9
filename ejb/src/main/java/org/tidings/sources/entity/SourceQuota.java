package org.tidings.sources.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.Objects;

/**
 * A source's own quota (docs/adr/0017), each part null where the configured default applies: events per second and
 * burst (the token bucket of each instance), and the cap on its events queued on the broker, not yet processed.
 */
@Embeddable
public class SourceQuota {

    /** No override: every part is the default. */
    public static final SourceQuota DEFAULTS = new SourceQuota(null, null, null);

    @Column(name = "quota_events_per_second")
    private Double eventsPerSecond;

    @Column(name = "quota_burst")
    private Long burst;

    @Column(name = "quota_max_queued")
    private Long maxQueued;

    protected SourceQuota() {
    }

    public SourceQuota(Double eventsPerSecond, Long burst, Long maxQueued) {
        if (eventsPerSecond != null && !(eventsPerSecond > 0 && Double.isFinite(eventsPerSecond))
                || burst != null && burst < 1 || maxQueued != null && maxQueued < 1) {
            throw new IllegalArgumentException("a quota needs a positive finite rate, a burst and a cap of at least 1");
        }
        this.eventsPerSecond = eventsPerSecond;
        this.burst = burst;
        this.maxQueued = maxQueued;
    }

    public Double eventsPerSecond() {
        return eventsPerSecond;
    }

    public Long burst() {
        return burst;
    }

    public Long maxQueued() {
        return maxQueued;
    }

    /** Whether no part is overridden. */
    public boolean defaults() {
        return eventsPerSecond == null && burst == null && maxQueued == null;
    }

    /** The audit log's and the log's form. */
    @Override
    public String toString() {
        return "eventsPerSecond=" + eventsPerSecond + ", burst=" + burst + ", maxQueued=" + maxQueued;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SourceQuota quota && Objects.equals(eventsPerSecond, quota.eventsPerSecond)
                && Objects.equals(burst, quota.burst) && Objects.equals(maxQueued, quota.maxQueued);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventsPerSecond, burst, maxQueued);
    }
}
