package org.tidings.ingest.control;

/**
 * One source's event rate on this instance: a token bucket that holds at most {@code burst} tokens and gains
 * {@code perSecond} of them each second; an event takes one. It is refilled lazily from the time passed since the
 * last take, so an idle source costs nothing. Each bucket has its own lock, held for a few arithmetic operations:
 * sources never wait for each other.
 */
public final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1_000_000_000d;

    private double perSecond;
    private double perNano;
    private double burst;
    private double tokens;
    private long refilledAt;

    /** A full bucket at {@code now} (nanoseconds on a monotonic clock, as {@link System#nanoTime()}). */
    public TokenBucket(double perSecond, long burst, long now) {
        requireValid(perSecond, burst);
        this.perSecond = perSecond;
        this.perNano = perSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = now;
    }

    /**
     * Takes a token as {@link #take(long)} does, under these limits from now on: if they changed, what the bucket
     * gained until now is counted at the old rate, and it keeps the tokens it had (at most the new burst). A new
     * quota never gives a full new burst, so changing it is no way around it.
     */
    public synchronized long take(long now, double perSecond, long burst) {
        if (perSecond != this.perSecond || burst != this.burst) {
            requireValid(perSecond, burst);
            refill(now);
            this.perSecond = perSecond;
            this.perNano = perSecond / NANOS_PER_SECOND;
            this.burst = burst;
            this.tokens = Math.min(tokens, burst);
        }
        return take(now);
    }

    /**
     * Takes a token if there is one.
     *
     * @return 0 if a token was taken; otherwise how many nanoseconds from {@code now} until one is there (at least 1),
     * and nothing was taken
     */
    public synchronized long take(long now) {
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
    }

    private void refill(long now) {
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perNano);
            refilledAt = now;
        }
    }

    private static void requireValid(double perSecond, long burst) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("a bucket needs a positive rate and a burst of at least 1, not "
                    + perSecond + " and " + burst);
        }
    }
}
