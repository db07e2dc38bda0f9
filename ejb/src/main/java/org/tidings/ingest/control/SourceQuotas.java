package org.tidings.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.sources.entity.SourceQuota;

/**
 * The event rate each source may use on this instance (docs/adr/0017): a {@link TokenBucket} per source, in
 * memory, created on the source's first event. Counting an event takes no database query and no lock shared
 * between sources (a map lookup, then the source's own bucket). N instances each allow the rate, so together N times it.
 * A source is named by the key the source directory resolved its URI to, so spellings of one URI share a bucket.
 * A source may have its own rate and burst (stored on the source, carried by the source directory).
 */
@ApplicationScoped
public class SourceQuotas {

    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final double perSecond;
    private final long burst;
    private final LongSupplier nanoClock;

    @Inject
    public SourceQuotas(@ConfigProperty(name = "tidings.quota.events-per-second", defaultValue = "10000") double perSecond,
                        @ConfigProperty(name = "tidings.quota.burst", defaultValue = "20000") long burst) {
        this(perSecond, burst, System::nanoTime);
    }

    public SourceQuotas(double perSecond, long burst, LongSupplier nanoClock) {
        new TokenBucket(perSecond, burst, 0); // refuses a rate or burst no bucket could have, at start-up
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /** For CDI's proxy only. */
    protected SourceQuotas() {
        this.perSecond = 1;
        this.burst = 1;
        this.nanoClock = System::nanoTime;
    }

    /**
     * Counts one event of the source against its quota.
     *
     * @return {@link Duration#ZERO} if the event is within the quota (and counted); otherwise how long until the
     * source has room for one again (nothing counted)
     */
    public Duration admitted(String sourceKey) {
        return admitted(sourceKey, SourceQuota.DEFAULTS);
    }

    /**
     * Counts one event of the source against its quota, {@code quota} where it sets a part and the configured
     * default elsewhere. A changed quota changes the source's bucket at this event, without filling it
     * ({@link TokenBucket#take(long, double, long)}).
     *
     * @return as {@link #admitted(String)}
     */
    public Duration admitted(String sourceKey, SourceQuota quota) {
        double rate = quota.eventsPerSecond() == null ? perSecond : quota.eventsPerSecond();
        long size = quota.burst() == null ? burst : quota.burst();
        long now = nanoClock.getAsLong();
        TokenBucket bucket = buckets.get(sourceKey);
        if (bucket == null) {
            bucket = buckets.computeIfAbsent(sourceKey, key -> new TokenBucket(rate, size, now));
        }
        return Duration.ofNanos(bucket.take(now, rate, size));
    }
}
