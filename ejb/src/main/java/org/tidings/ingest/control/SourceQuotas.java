package org.tidings.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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

    /**
     * How many messages this instance remembers having counted: a message tried again after a failure (its claim's
     * database down, say) is counted once, not at each try. Far more than the messages in flight at once.
     */
    static final int REMEMBERED = 10_000;

    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final double perSecond;
    private final long burst;
    private final LongSupplier nanoClock;
    private final Clock wallClock;
    /** The messages counted (and let through) lately, by the id that names them on every delivery; oldest first. */
    private final Map<String, Boolean> counted = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    @Inject
    public SourceQuotas(@ConfigProperty(name = "tidings.quota.events-per-second", defaultValue = "10000") double perSecond,
                        @ConfigProperty(name = "tidings.quota.burst", defaultValue = "20000") long burst) {
        this(perSecond, burst, System::nanoTime);
    }

    public SourceQuotas(double perSecond, long burst, LongSupplier nanoClock) {
        this(perSecond, burst, nanoClock, Clock.systemUTC());
    }

    public SourceQuotas(double perSecond, long burst, LongSupplier nanoClock, Clock wallClock) {
        new TokenBucket(perSecond, burst, 0); // refuses a rate or burst no bucket could have, at start-up
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.wallClock = wallClock;
    }

    /** For CDI's proxy only. */
    protected SourceQuotas() {
        this.perSecond = 1;
        this.burst = 1;
        this.nanoClock = System::nanoTime;
        this.wallClock = Clock.systemUTC();
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
        return admitted(sourceKey, quota, null, null, false);
    }

    /**
     * Counts one event of the source against its quota at the time the broker took it ({@code receivedAt}; null:
     * now), so that events a source sent within its rate stay within it however long they then waited on the queue
     * (a consumer stopped by a database outage or a restart, another source's flood): the event counts as taken that
     * long before now. One stamped later than now (the broker's clock ahead of this one) counts as taken now. A
     * redelivery of a message this instance counted and let through lately ({@code messageId}, null: none) is not
     * counted again: after a failed try it would otherwise take a token at each try, at its stamp, with none refilled
     * in between. Only a redelivery, which the broker marks: a sender chooses its message ids, and a new message that
     * reuses one is counted as any other.
     *
     * @return as {@link #admitted(String)}; the wait is from the event's time
     */
    public Duration admitted(String sourceKey, SourceQuota quota, Instant receivedAt, String messageId,
            boolean redelivered) {
        if (redelivered && messageId != null && countedBefore(messageId)) {
            return Duration.ZERO;
        }
        double rate = quota.eventsPerSecond() == null ? perSecond : quota.eventsPerSecond();
        long size = quota.burst() == null ? burst : quota.burst();
        long now = nanoClock.getAsLong() - ageNanos(receivedAt);
        TokenBucket bucket = buckets.get(sourceKey);
        if (bucket == null) {
            bucket = buckets.computeIfAbsent(sourceKey, key -> new TokenBucket(rate, size, now));
        }
        Duration wait = Duration.ofNanos(bucket.take(now, rate, size));
        if (wait.isZero() && messageId != null) {
            remember(messageId);
        }
        return wait;
    }

    private synchronized boolean countedBefore(String messageId) {
        return counted.containsKey(messageId);
    }

    private synchronized void remember(String messageId) {
        counted.put(messageId, Boolean.TRUE);
    }

    private long ageNanos(Instant receivedAt) {
        if (receivedAt == null) {
            return 0;
        }
        long ageMillis = wallClock.millis() - receivedAt.toEpochMilli();
        return ageMillis <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(ageMillis);
    }
}
