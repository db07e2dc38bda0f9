package org.tidings.bench.e2e;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.Session;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Consumes one queue (auto-acknowledge, one listener) and notes when each event of this run arrived, by the
 * sequence number in its id. Counting ids, not messages, is what lets a run say "every event once": a second
 * copy is counted as a duplicate, a message of another run as foreign.
 */
final class DeliveryRecorder implements MessageListener, AutoCloseable {

    private final Connection connection;
    private final String queue;
    private final BenchEvents events;
    private final AtomicLongArray arrivedAt;
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong();
    private final EventIdReader ids = new EventIdReader();
    private Session session;
    private MessageConsumer consumer;

    DeliveryRecorder(Broker broker, String queue, BenchEvents events, int capacity) throws JMSException {
        this.connection = broker.connect();
        this.queue = queue;
        this.events = events;
        this.arrivedAt = new AtomicLongArray(capacity);
    }

    void listen() throws JMSException {
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        consumer = session.createConsumer(session.createQueue(queue));
        consumer.setMessageListener(this);
    }

    /** Stops consuming; messages not yet handed to the listener stay on the queue. */
    void pause() throws JMSException {
        session.close();
    }

    @Override
    public void onMessage(Message message) {
        long now = System.nanoTime();
        int sequence = events.sequenceOf(ids.eventId(message));
        if (sequence < 0 || sequence >= arrivedAt.length()) {
            foreign.incrementAndGet();
        } else if (!arrivedAt.compareAndSet(sequence, 0, now)) {
            duplicates.incrementAndGet();
        }
    }

    long arrivedAt(int sequence) {
        return arrivedAt.get(sequence);
    }

    int arrivedIn(int from, int to) {
        int count = 0;
        for (int sequence = from; sequence < to; sequence++) {
            if (arrivedAt.get(sequence) != 0) {
                count++;
            }
        }
        return count;
    }

    long lastArrivalIn(int from, int to) {
        long last = 0;
        for (int sequence = from; sequence < to; sequence++) {
            last = Math.max(last, arrivedAt.get(sequence));
        }
        return last;
    }

    long duplicates() {
        return duplicates.get();
    }

    long foreign() {
        return foreign.get();
    }

    /**
     * Waits until every event in [from, to) arrived, or until none arrived for {@code stallSeconds}, or
     * {@code capSeconds} passed; prints progress. Returns how many arrived.
     */
    int awaitArrivals(String phase, int from, int to, int stallSeconds, int capSeconds) throws InterruptedException {
        long start = System.nanoTime();
        long lastProgressAt = start;
        long lastReportAt = start;
        int arrived = arrivedIn(from, to);
        int expected = to - from;
        while (arrived < expected) {
            Thread.sleep(100);
            long now = System.nanoTime();
            int nowArrived = arrivedIn(from, to);
            if (nowArrived > arrived) {
                lastProgressAt = now;
            }
            arrived = nowArrived;
            if (now - lastReportAt > 5_000_000_000L) {
                Report.progress("%s: %d of %d delivered", phase, arrived, expected);
                lastReportAt = now;
            }
            if (now - lastProgressAt > stallSeconds * 1_000_000_000L || now - start > capSeconds * 1_000_000_000L) {
                Report.progress("%s: gave up waiting with %d of %d delivered", phase, arrived, expected);
                break;
            }
        }
        return arrived;
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
