package org.tidings.pull.boundary;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.pull.boundary.Feeds.Page;

/**
 * A watcher and its turn: at most one task of it is queued or running at a time, on one of {@link FeedWatch}'s
 * reader threads to read its feed, or on a writer thread to write to its client. Reading when woken comes before a
 * heartbeat; a heartbeat still pending is not asked again. A write that makes no progress for the send timeout is
 * interrupted (Grizzly then gives it up and closes the connection), and the watcher is told it stalled and dropped.
 */
final class Waiting {

    private static final Logger LOG = Logger.getLogger(Waiting.class.getName());

    final Watcher watcher;
    private final FeedWatch watch;
    private final AtomicBoolean turn = new AtomicBoolean();
    private final AtomicBoolean readAsked = new AtomicBoolean();
    private final AtomicBoolean beatAsked = new AtomicBoolean();
    volatile boolean done;

    /** The thread writing to the client (null when none is), and since when its write has made no progress. */
    private Thread writer;
    private long quietSince;
    private boolean stalled;

    Waiting(Watcher watcher, FeedWatch watch) {
        this.watcher = watcher;
        this.watch = watch;
    }

    void wake() {
        readAsked.set(true);
        take();
    }

    void beatLater() {
        beatAsked.set(true);
        take();
    }

    /** Interrupts the write to the client if it has made no progress for {@code timeout}. */
    synchronized void interruptIfStalled(long now, Duration timeout) {
        if (writer != null && !stalled && now - quietSince >= timeout.toNanos()) {
            stalled = true;
            writer.interrupt();
            LOG.info(() -> "a pull client of " + watcher.subscriptionId() + " took no write for " + timeout
                    + "; its connection is closed, it reconnects from its last position");
        }
    }

    private void take() {
        if (!done && turn.compareAndSet(false, true)) {
            next();
        }
    }

    /** Runs what is asked for next, or gives the turn back. Only the holder of the turn calls it. */
    private void next() {
        if (!done && readAsked.getAndSet(false)) {
            run(watch.readers(), this::read);
        } else if (!done && beatAsked.getAndSet(false)) {
            run(watch.writers(), () -> write(watcher::heartbeat));
        } else {
            turn.set(false);
            if (!done && (readAsked.get() || beatAsked.get())) {
                take(); // asked for while the turn was given back
            }
        }
    }

    private void run(Executor pool, Runnable step) {
        try {
            pool.execute(step);
        } catch (RejectedExecutionException e) { // the application stops, or every writer is held by a stalled write
            watch.remove(this);
            turn.set(false);
            watcher.stalled();
        }
    }

    /**
     * On a reader thread: never writes to the client, hands what it read to a writer thread. A client whose token
     * no longer gives the identity it began with is failed instead, checked before the read and again after it, so
     * that nothing appended after a revocation this instance knows of is handed on.
     */
    private void read() {
        Page page;
        try {
            requireAuthorized();
            page = watch.feeds().read(watcher.subscriptionId(), watcher.position(), watcher.limit());
            requireAuthorized(); // revoked while it read: what it read may be newer than the revocation
        } catch (RuntimeException e) {
            run(watch.writers(), () -> write(() -> {
                watcher.failed(e);
                return false;
            }));
            return;
        }
        run(watch.writers(), () -> write(() -> {
            boolean goesOn = !watcher.caughtUp(page, this::progressed);
            if (goesOn && page.full(watcher.limit())) {
                // a full page (by count or by bytes): more may be there already; read on at once rather than at the next append here or
                // the next tick (a review found a stream behind by 50,000 taking 100 a poll interval)
                readAsked.set(true);
            }
            return goesOn;
        }));
    }

    private void requireAuthorized() {
        if (!watch.stillAuthorized(watcher)) {
            throw new TidingsException(ErrorCode.INVALID_TOKEN, "the token this wait began with is revoked, expired "
                    + "or no longer valid as it was");
        }
    }

    /** On a writer thread: {@code write} is true if the watcher goes on waiting. */
    private void write(BooleanSupplier write) {
        boolean goesOn = false;
        try {
            goesOn = guarded(write);
        } catch (RuntimeException e) {
            LOG.warning(() -> "a pull client of " + watcher.subscriptionId() + " could not be written to: " + e);
        } finally {
            if (!goesOn) {
                watch.remove(this);
            }
            next();
        }
    }

    private boolean guarded(BooleanSupplier write) {
        synchronized (this) {
            writer = Thread.currentThread();
            quietSince = System.nanoTime();
        }
        boolean goesOn = false;
        try {
            goesOn = write.getAsBoolean();
        } finally {
            boolean interrupted;
            synchronized (this) {
                writer = null;
                interrupted = stalled;
            }
            if (interrupted) {
                goesOn = false;
                // dropped before it is told: a client that reconnects at once must not find its stale entry still
                // counted against its subscription's and address's limits (FeedWatchTest saw it still counted)
                watch.remove(this);
                watcher.stalled();
            }
            Thread.interrupted(); // an interrupt that came as the write ended must not reach the next task
        }
        return goesOn;
    }

    private synchronized void progressed() {
        quietSince = System.nanoTime();
    }
}
