package org.tidings.bench.e2e;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each event of one set of {@link BenchEvents} first arrived at a receiver, by the sequence number in its id
 * (System.nanoTime of this JVM, the clock the producer stamps sends with). A second arrival of an id counts as a
 * duplicate, an id of another set as foreign. Thread-safe.
 */
final class Arrivals {

    private final BenchEvents events;
    private final AtomicLongArray arrivedAt;
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong();

    Arrivals(BenchEvents events, int capacity) {
        this.events = events;
        this.arrivedAt = new AtomicLongArray(capacity);
    }

    void arrived(String eventId, long nanoTime) {
        int sequence = events.sequenceOf(eventId);
        if (sequence < 0 || sequence >= arrivedAt.length()) {
            foreign.incrementAndGet();
        } else if (!arrivedAt.compareAndSet(sequence, 0, nanoTime)) {
            duplicates.incrementAndGet();
        }
    }

    /** When the event arrived first, or 0 if it did not. */
    long arrivedAt(int sequence) {
        return arrivedAt.get(sequence);
    }

    int arrivedAmong(int[] sequences) {
        int count = 0;
        for (int sequence : sequences) {
            if (arrivedAt.get(sequence) != 0) {
                count++;
            }
        }
        return count;
    }

    long duplicates() {
        return duplicates.get();
    }

    long foreign() {
        return foreign.get();
    }

    /**
     * Waits until every one of {@code sequences} arrived, or none arrived for {@code stallSeconds}, or
     * {@code capSeconds} passed; prints progress. Returns how many arrived.
     */
    int await(String phase, int[] sequences, int stallSeconds, int capSeconds) throws InterruptedException {
        long start = System.nanoTime();
        long lastProgressAt = start;
        long lastReportAt = start;
        int arrived = arrivedAmong(sequences);
        while (arrived < sequences.length) {
            Thread.sleep(100);
            long now = System.nanoTime();
            int nowArrived = arrivedAmong(sequences);
            if (nowArrived > arrived) {
                lastProgressAt = now;
            }
            arrived = nowArrived;
            if (now - lastReportAt > 5_000_000_000L) {
                Report.progress("%s: %d of %d delivered", phase, arrived, sequences.length);
                lastReportAt = now;
            }
            if (now - lastProgressAt > stallSeconds * 1_000_000_000L || now - start > capSeconds * 1_000_000_000L) {
                Report.progress("%s: gave up waiting with %d of %d delivered", phase, arrived, sequences.length);
                break;
            }
        }
        return arrived;
    }
}
