package org.tidings.platform;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;
import java.util.logging.Logger;

/**
 * The pace of a pruning task that a timer ticks every second: a run starts when one is due and none is under way on
 * this instance, deletes up to {@code batchesPerRun} batches (each in a transaction of its own, the caller's
 * business), and makes the next run due at the next tick if the last batch said there is more to delete, else one
 * interval later. A failed run is logged and tried again one interval later. Thread-safe.
 */
public final class PruningRuns {

    private final String what;
    private final Duration interval;
    private final int batchesPerRun;
    private final Logger log;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Instant nextRun = Instant.EPOCH;

    /**
     * @param what what is deleted, for the log ("finished delivery records")
     * @param interval how long after a run that left nothing to delete the next one is due; positive
     */
    public PruningRuns(String what, Duration interval, int batchesPerRun, Logger log) {
        if (interval.isNegative() || interval.isZero() || batchesPerRun < 1) {
            throw new IllegalArgumentException("a positive interval and at least one batch per run, not " + interval
                    + " and " + batchesPerRun);
        }
        this.what = what;
        this.interval = interval;
        this.batchesPerRun = batchesPerRun;
        this.log = log;
    }

    /**
     * A tick of the timer at {@code now}: runs if due and not running. {@code batch} deletes one batch and says how
     * many it deleted; {@code more} tells from that count whether more may be left.
     *
     * @return how many were deleted by this tick (0 if it did not run or failed)
     */
    public int tick(Instant now, IntSupplier batch, IntPredicate more) {
        if (now.isBefore(nextRun) || !running.compareAndSet(false, true)) {
            return 0;
        }
        try {
            int deleted = 0;
            boolean left = true;
            for (int i = 0; i < batchesPerRun && left; i++) {
                int count = batch.getAsInt();
                deleted += count;
                left = more.test(count);
            }
            int total = deleted;
            if (total > 0) {
                log.fine(() -> total + " " + what + " deleted");
            }
            nextRun = left ? now : now.plus(interval); // more to do: go on at the next tick
            return total;
        } catch (RuntimeException e) {
            log.warning(() -> what + " not pruned this time: " + e);
            nextRun = now.plus(interval);
            return 0;
        } finally {
            running.set(false);
        }
    }
}
