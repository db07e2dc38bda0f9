package org.tidings.delivery.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How many first attempts to one webhook sink may be in flight at once on this instance's consumers of
 * tidings.deliver ({@code tidings.webhook.max-in-flight-per-sink}, 4 of the 8 consumers): a receiver that hangs holds
 * at most that many, and the other consumers keep delivering to other sinks. A consumer that finds its sink at the
 * limit waits for a slot up to {@link #WAIT} (a fast receiver frees one within milliseconds); if none frees, the sink
 * is slow and the notification is parked, due at once, for the retry worker (docs/adr/0012). The retry worker's calls
 * have slots of their own ({@code tidings.webhook.max-retries-in-flight-per-sink}, 4).
 */
@ApplicationScoped
public class SinkConcurrency {

    @Inject
    @ConfigProperty(name = "tidings.webhook.max-in-flight-per-sink", defaultValue = "4")
    int limit;

    @Inject
    @ConfigProperty(name = "tidings.webhook.max-retries-in-flight-per-sink", defaultValue = "4")
    int retryLimit;

    private final Map<UUID, Semaphore> inFlight = new ConcurrentHashMap<>();
    /**
     * The retry worker's calls, counted apart: a retry thread keeps its slot while it drains its sink's due
     * notifications (up to 5 s), and in first attempts' slots it would make every first attempt to that sink wait the
     * whole {@link #WAIT}, holding its consumer of tidings.deliver, and park.
     */
    private final Map<UUID, Semaphore> retrying = new ConcurrentHashMap<>();

    public SinkConcurrency() {
    }

    SinkConcurrency(int limit) {
        this(limit, limit);
    }

    SinkConcurrency(int limit, int retryLimit) {
        this.limit = limit;
        this.retryLimit = retryLimit;
    }

    public static final Duration WAIT = Duration.ofSeconds(1);

    /** True if a call to the sink may start now, after at most {@code wait}; the caller must then {@link #release}. */
    public boolean tryAcquire(UUID sink, Duration wait) {
        try {
            return inFlight.computeIfAbsent(sink, id -> new Semaphore(limit))
                    .tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void release(UUID sink) {
        inFlight.get(sink).release();
    }

    /**
     * True if a retry of the sink may start now ({@code tidings.webhook.max-retries-in-flight-per-sink}); the caller
     * must then {@link #releaseRetry}.
     */
    public boolean tryAcquireRetry(UUID sink) {
        return retrying.computeIfAbsent(sink, id -> new Semaphore(retryLimit)).tryAcquire();
    }

    public void releaseRetry(UUID sink) {
        retrying.get(sink).release();
    }
}
