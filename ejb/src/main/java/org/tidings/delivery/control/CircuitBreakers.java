package org.tidings.delivery.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.delivery.webhook.Attempt;

/**
 * One circuit breaker per webhook sink, in this instance's memory (docs/adr/0012). The circuit opens for
 * {@code tidings.webhook.breaker.open} (30 s) after {@code tidings.webhook.breaker.failures} failed attempts in a row
 * (5), or when at least {@code tidings.webhook.breaker.failure-rate} per cent (50) of the last
 * {@code tidings.webhook.breaker.window} attempts (20) since the sink's last clean record failed: a receiver that
 * fails every other call never fails five times in a row. While open no attempt is made, notifications wait durably
 * and burn none of their schedule. Then one probe may go (half-open): its success closes the circuit and clears the
 * record, its failure opens it again. A sink is tracked from its first failure until its window holds no failure,
 * or until nothing happened to its breaker for {@link #IDLE} ({@link #forgetIdle}): a deleted sink's breaker, or that
 * of a sink no longer sent anything, does not stay in memory, and failures that old no longer count.
 */
@ApplicationScoped
public class CircuitBreakers {

    /** What a breaker lets through. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /** The longest window of outcomes a breaker keeps (one bit each in a long). */
    static final int MAX_WINDOW = 64;

    /** How long a breaker is kept after its last failure, its circuit's open period or its probe, whichever is last. */
    static final Duration IDLE = Duration.ofHours(1);

    private static final class Breaker {
        /** Failures in a row. */
        int failures;
        /** The last {@code recorded} outcomes (at most the window), newest in bit 0; a set bit is a failure. */
        long outcomes;
        int recorded;
        Instant openUntil;
        /** When the probe went; a probe whose outcome never came (an exception) is replaced after openFor. */
        Instant probing;
        Instant lastFailure;

        /** When something last happened to this breaker. */
        Instant lastActive() {
            Instant last = lastFailure;
            for (Instant other : new Instant[] {openUntil, probing}) {
                if (other != null && (last == null || other.isAfter(last))) {
                    last = other;
                }
            }
            return last;
        }
    }

    @Inject
    @ConfigProperty(name = "tidings.webhook.breaker.failures", defaultValue = "5")
    int threshold;

    @Inject
    @ConfigProperty(name = "tidings.webhook.breaker.open", defaultValue = "PT30S")
    Duration openFor;

    /** Per cent of failures in a full window that open the circuit; above 100, only failures in a row do. */
    @Inject
    @ConfigProperty(name = "tidings.webhook.breaker.failure-rate", defaultValue = "50")
    int failureRate = 50;

    /** How many of a sink's latest attempts the failure rate is taken over (2 to {@value #MAX_WINDOW}). */
    @Inject
    @ConfigProperty(name = "tidings.webhook.breaker.window", defaultValue = "20")
    int window = 20;

    private final Map<UUID, Breaker> breakers = new ConcurrentHashMap<>();

    public CircuitBreakers() {
    }

    CircuitBreakers(int threshold, Duration openFor) {
        this.threshold = threshold;
        this.openFor = openFor;
    }

    CircuitBreakers(int threshold, Duration openFor, int failureRate, int window) {
        this(threshold, openFor);
        this.failureRate = failureRate;
        this.window = window;
        checked();
    }

    /** The settings, as the start-up check logs them (DeliverySettingsCheck, which so creates this bean then). */
    public String settings() {
        return threshold + " failures in a row, or " + failureRate + " % of " + window + " attempts, open a circuit "
                + "for " + openFor;
    }

    /** Settings that cannot work are refused at start, not discovered under load. */
    @PostConstruct
    void checked() {
        if (window < 2 || window > MAX_WINDOW) {
            throw new IllegalArgumentException("tidings.webhook.breaker.window must be 2 to " + MAX_WINDOW + ", not "
                    + window);
        }
        if (failureRate < 1) {
            throw new IllegalArgumentException("tidings.webhook.breaker.failure-rate must be at least 1 (per cent), "
                    + "not " + failureRate);
        }
    }

    /** True if an attempt to the sink may be made now; a true while half-open is the one probe. */
    public boolean allows(UUID sink, Instant now) {
        Breaker breaker = breakers.get(sink);
        if (breaker == null) {
            return true;
        }
        synchronized (breaker) {
            if (breaker.openUntil == null) {
                return true;
            }
            if (now.isBefore(breaker.openUntil)
                    || breaker.probing != null && now.isBefore(breaker.probing.plus(openFor))) {
                return false;
            }
            breaker.probing = now;
            return true;
        }
    }

    /**
     * Gives back the probe that {@link #allows} granted at {@code grantedAt} when no attempt followed it (the row could
     * not be taken, or no slot was free): the next caller may probe at once instead of after another open period. A
     * probe granted later, or a circuit that changed meanwhile, is left as it is.
     */
    public void unused(UUID sink, Instant grantedAt) {
        Breaker breaker = breakers.get(sink);
        if (breaker == null) {
            return;
        }
        synchronized (breaker) {
            if (grantedAt.equals(breaker.probing)) {
                breaker.probing = null;
            }
        }
    }

    /** When an attempt may be made again: now if closed, else when the circuit half-opens. */
    public Instant nextChance(UUID sink, Instant now) {
        Breaker breaker = breakers.get(sink);
        if (breaker == null) {
            return now;
        }
        synchronized (breaker) {
            return breaker.openUntil == null || breaker.openUntil.isBefore(now) ? now : breaker.openUntil;
        }
    }

    /**
     * Counts an attempt's outcome: a 2xx closes, a failure counts; a refused target or a 410 says nothing about the
     * receiver's health, and a probe that ended so is given back (a refused target is not even called).
     */
    public void record(UUID sink, Attempt attempt, Instant now) {
        switch (attempt.result()) {
            case DELIVERED -> succeeded(sink);
            case RETRY -> failed(sink, now);
            default -> probeEnded(sink);
        }
    }

    private void probeEnded(UUID sink) {
        Breaker breaker = breakers.get(sink);
        if (breaker != null) {
            synchronized (breaker) {
                breaker.probing = null;
            }
        }
    }

    /**
     * A 2xx: ends a run of failures; the probe's closes the circuit and clears its record; otherwise counts in the
     * window, and a window left without failures stops the tracking. While the circuit is open and no probe is out, a
     * success is that of a call made before it opened (several calls per sink are in flight): it closes nothing, or a
     * receiver failing every other call would have its circuit closed again at once by the next one to come back.
     */
    public void succeeded(UUID sink) {
        Breaker breaker = breakers.get(sink);
        if (breaker == null) {
            return;
        }
        synchronized (breaker) {
            if (breaker.openUntil != null) {
                if (breaker.probing != null) {
                    breakers.remove(sink, breaker);
                }
                return;
            }
            breaker.failures = 0;
            recorded(breaker, false);
            if (breaker.outcomes == 0) {
                breakers.remove(sink, breaker);
            }
        }
    }

    public void failed(UUID sink, Instant now) {
        while (true) {
            Breaker breaker = breakers.computeIfAbsent(sink, id -> new Breaker());
            synchronized (breaker) {
                if (breakers.get(sink) != breaker) {
                    continue; // a success removed it meanwhile: count on the one that stands
                }
                breaker.failures++;
                breaker.lastFailure = now;
                recorded(breaker, true);
                if (breaker.probing != null || breaker.failures >= threshold || rateReached(breaker)) {
                    breaker.openUntil = now.plus(openFor);
                    breaker.probing = null;
                    breaker.outcomes = 0;
                    breaker.recorded = 0;
                }
                return;
            }
        }
    }

    private void recorded(Breaker breaker, boolean failure) {
        long kept = window == MAX_WINDOW ? -1L : (1L << window) - 1;
        breaker.outcomes = ((breaker.outcomes << 1) | (failure ? 1 : 0)) & kept;
        breaker.recorded = Math.min(window, breaker.recorded + 1);
    }

    /** A full window whose failures reach the rate. */
    private boolean rateReached(Breaker breaker) {
        return breaker.recorded >= window && Long.bitCount(breaker.outcomes) * 100L >= (long) failureRate * window;
    }

    /**
     * Drops the breakers nothing happened to for {@link #IDLE} (their sinks were deleted, or sent nothing since), so
     * that they do not stay in memory for ever; a sink whose breaker was dropped starts afresh, closed, with an empty
     * window. Called by the retry worker's run on every instance. Returns how many were dropped.
     */
    public int forgetIdle(Instant now) {
        int forgotten = 0;
        for (var entry : breakers.entrySet()) {
            Breaker breaker = entry.getValue();
            synchronized (breaker) {
                Instant last = breaker.lastActive();
                if ((last == null || !last.plus(IDLE).isAfter(now)) && breakers.remove(entry.getKey(), breaker)) {
                    forgotten++;
                }
            }
        }
        return forgotten;
    }

    /** How many sinks this instance tracks (for tests). */
    int tracked() {
        return breakers.size();
    }

    public State state(UUID sink, Instant now) {
        Breaker breaker = breakers.get(sink);
        if (breaker == null) {
            return State.CLOSED;
        }
        synchronized (breaker) {
            if (breaker.openUntil == null) {
                return State.CLOSED;
            }
            return now.isBefore(breaker.openUntil) ? State.OPEN : State.HALF_OPEN;
        }
    }
}
