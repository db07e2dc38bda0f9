package org.tidings.delivery.control;

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
 * One circuit breaker per webhook sink, in this instance's memory (docs/adr/0012). After
 * {@code tidings.webhook.breaker.failures} failed attempts in a row (5) the circuit opens for
 * {@code tidings.webhook.breaker.open} (30 s): no attempt is made, notifications wait durably and burn none of their
 * schedule. Then one probe may go (half-open): its success closes the circuit, its failure opens it again.
 */
@ApplicationScoped
public class CircuitBreakers {

    /** What a breaker lets through. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private static final class Breaker {
        int failures;
        Instant openUntil;
        /** When the probe went; a probe whose outcome never came (an exception) is replaced after openFor. */
        Instant probing;
    }

    @Inject
    @ConfigProperty(name = "tidings.webhook.breaker.failures", defaultValue = "5")
    int threshold;

    @Inject
    @ConfigProperty(name = "tidings.webhook.breaker.open", defaultValue = "PT30S")
    Duration openFor;

    private final Map<UUID, Breaker> breakers = new ConcurrentHashMap<>();

    public CircuitBreakers() {
    }

    CircuitBreakers(int threshold, Duration openFor) {
        this.threshold = threshold;
        this.openFor = openFor;
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

    public void succeeded(UUID sink) {
        breakers.remove(sink);
    }

    public void failed(UUID sink, Instant now) {
        Breaker breaker = breakers.computeIfAbsent(sink, id -> new Breaker());
        synchronized (breaker) {
            breaker.failures++;
            if (breaker.probing != null || breaker.failures >= threshold) {
                breaker.openUntil = now.plus(openFor);
                breaker.probing = null;
            }
        }
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
