package org.tidings.delivery.control;

import jakarta.annotation.PostConstruct;
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
 * How many calls to one webhook sink may be in flight at once on this instance
 * ({@code tidings.webhook.max-in-flight-per-sink}, 16; first attempts and retries together): a receiver that hangs
 * holds at most that many threads, and the others keep delivering to other sinks. A consumer of tidings.deliver that
 * finds its sink at the limit waits for a slot up to {@link #WAIT} (a fast receiver frees one within milliseconds),
 * unless retries of the sink are in flight or the sink is slow ({@link ReceiverPace}): then it does not wait at all. If no slot is free, the notification is
 * parked, due at once, for the retry worker (docs/adr/0012). A retry thread keeps its slot while it drains the sink's
 * due notifications (up to 5 s), so a consumer that waited for one would wait the whole second and park anyway,
 * holding its consumer meanwhile. Retries may take up to {@code tidings.webhook.max-retries-in-flight-per-sink} (16) of
 * the sink's slots.
 */
@ApplicationScoped
public class SinkConcurrency {

    @Inject
    @ConfigProperty(name = "tidings.webhook.max-in-flight-per-sink", defaultValue = "16")
    int limit;

    @Inject
    @ConfigProperty(name = "tidings.webhook.max-retries-in-flight-per-sink", defaultValue = "16")
    int retryLimit;

    private final Map<UUID, Semaphore> inFlight = new ConcurrentHashMap<>();
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

    @PostConstruct
    void check() {
        if (limit < 1 || retryLimit < 1) {
            throw new IllegalStateException("tidings.webhook.max-in-flight-per-sink and "
                    + "tidings.webhook.max-retries-in-flight-per-sink must be at least 1: with 0 nothing is sent");
        }
    }

    /** The settings, as the start-up check logs them (DeliverySettingsCheck). */
    public String settings() {
        return limit + " calls in flight per sink, up to " + retryLimit + " of them retries";
    }

    public static final Duration WAIT = Duration.ofSeconds(1);

    /**
     * True if a call to the sink may start now, after at most {@code wait} (no wait while retries of the sink are in
     * flight); the caller must then {@link #release}.
     */
    public boolean tryAcquire(UUID sink, Duration wait) {
        Semaphore retries = retrying.get(sink);
        long waitMillis = retries != null && retries.availablePermits() < retryLimit ? 0 : wait.toMillis();
        try {
            return inFlight.computeIfAbsent(sink, id -> new Semaphore(limit))
                    .tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void release(UUID sink) {
        inFlight.get(sink).release();
    }

    /**
     * True if a retry of the sink may start now: one of its retry permits and one of its slots are free (no wait); the
     * caller must then {@link #releaseRetry}.
     */
    public boolean tryAcquireRetry(UUID sink) {
        Semaphore permits = retrying.computeIfAbsent(sink, id -> new Semaphore(retryLimit));
        if (!permits.tryAcquire()) {
            return false;
        }
        if (!inFlight.computeIfAbsent(sink, id -> new Semaphore(limit)).tryAcquire()) {
            permits.release();
            return false;
        }
        return true;
    }

    public void releaseRetry(UUID sink) {
        inFlight.get(sink).release();
        retrying.get(sink).release();
    }
}
