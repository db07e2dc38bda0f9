package org.tidings.delivery.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How long the first attempts to each webhook or purge sink take on this instance, and whether the sink is slow: its
 * calls took longer than {@code tidings.webhook.slow-call} (200 ms) on average (a mean weighted a quarter to the newest
 * call, the first call alone to begin with). No consumer of tidings.deliver waits for a slow sink, neither for its
 * attempt nor for one of its slots (docs/adr/0012): a receiver that answers, but slowly, would otherwise hold a
 * consumer for each of its calls, and with it every other sink's line the broker pinned to that consumer; a
 * receiver that answered every call within the consumer's hold never opened its circuit, so it could hold all of
 * them. One entry per sink ever called (as {@link SinkConcurrency} keeps).
 */
@ApplicationScoped
public class ReceiverPace {

    @Inject
    @ConfigProperty(name = "tidings.webhook.slow-call", defaultValue = "PT0.2S")
    Duration slowCall;

    private final Map<UUID, AtomicLong> meanNanos = new ConcurrentHashMap<>();

    public ReceiverPace() {
    }

    ReceiverPace(Duration slowCall) {
        this.slowCall = slowCall;
        check();
    }

    @PostConstruct
    void check() {
        if (slowCall.isNegative() || slowCall.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalStateException("tidings.webhook.slow-call must be between PT0S and PT24H (PT24H: no sink"
                    + " is ever slow)");
        }
    }

    /** The setting, as the start-up check logs it (DeliverySettingsCheck). */
    public String settings() {
        return "a sink is slow above " + slowCall + " per call";
    }

    /** A call to the sink took {@code call}, or has taken that long and not ended yet. */
    public void took(UUID sink, Duration call) {
        long sample = call.toNanos();
        meanNanos.computeIfAbsent(sink, id -> new AtomicLong(-1))
                .updateAndGet(mean -> mean < 0 ? sample : mean + (sample - mean) / 4);
    }

    /**
     * One call's time, counted once: when it ends, or when a consumer's hold ran out while it still ran (then it is
     * not counted again when it ends, so a receiver that does not answer weighs as one call, not two).
     */
    public static final class Call {
        private long started;
        private boolean running;
        private boolean counted;

        /** The call starts now. */
        public synchronized void starts() {
            started = System.nanoTime();
            running = true;
        }

        /** How long the call has taken so far (it may be running still), if it started and was not counted yet. */
        public synchronized Optional<Duration> uncounted() {
            if (!running || counted) {
                return Optional.empty();
            }
            counted = true;
            return Optional.of(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** True if the sink's calls took longer than {@code tidings.webhook.slow-call} on average. */
    public boolean slow(UUID sink) {
        AtomicLong mean = meanNanos.get(sink);
        return mean != null && mean.get() > slowCall.toNanos();
    }
}
