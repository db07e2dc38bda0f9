package org.tidings.bench.e2e;

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One JMS producer sending persistent TextMessages asynchronously, with at most {@code window} sends the
 * broker has not yet confirmed as stored: what "100 messages in flight" means here. The send time of every
 * event is kept by sequence number, for latency.
 */
final class WindowedProducer implements AutoCloseable {

    private static final long STALL_SECONDS = 60;

    private final Connection connection;
    private final Session session;
    private final MessageProducer producer;
    private final BenchEvents events;
    private final Semaphore window;
    private final int windowSize;
    private final long[] sentAt;
    private final AtomicLong confirmed = new AtomicLong();
    private final AtomicLong lastConfirmedAt = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final CompletionListener confirmation = new CompletionListener() {
        @Override
        public void onCompletion(Message message) {
            lastConfirmedAt.set(System.nanoTime());
            confirmed.incrementAndGet();
            window.release();
        }

        @Override
        public void onException(Message message, Exception exception) {
            failure.compareAndSet(null, exception);
            window.release();
        }
    };

    /** The events this producer sends. */
    BenchEvents events() {
        return events;
    }

    WindowedProducer(Broker broker, String queue, BenchEvents events, int window, int capacity)
            throws JMSException {
        this.connection = broker.connect();
        this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        this.producer = session.createProducer(session.createQueue(queue));
        this.producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        this.events = events;
        this.windowSize = window;
        this.window = new Semaphore(window);
        this.sentAt = new long[capacity];
    }

    void send(int sequence) throws JMSException, InterruptedException {
        send(sequence, true);
    }

    /**
     * Sends one event. Tagged, as a source sends it to Tidings: the broker's duplicate id (which the broker
     * checks and journals) and one message group per subject. Untagged: the bare body, as a plain broker
     * benchmark sends it.
     */
    void send(int sequence, boolean tagged) throws JMSException, InterruptedException {
        var message = session.createTextMessage(events.body(sequence));
        if (tagged) {
            message.setStringProperty("_AMQ_DUPL_ID", events.duplicateId(sequence));
            message.setStringProperty("JMSXGroupID", events.subject(sequence));
        }
        if (!window.tryAcquire(STALL_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the broker confirmed no send for " + STALL_SECONDS + " s");
        }
        throwIfFailed();
        sentAt[sequence] = System.nanoTime();
        producer.send(message, confirmation);
    }

    /** Sends [from, to) tagged as fast as the window allows; returns when the broker has confirmed them all. */
    void sendAll(int from, int to) throws JMSException, InterruptedException {
        sendAll(from, to, true);
    }

    void sendAll(int from, int to, boolean tagged) throws JMSException, InterruptedException {
        for (int sequence = from; sequence < to; sequence++) {
            send(sequence, tagged);
        }
        awaitConfirmed();
    }

    /**
     * Sends [from, to) at a steady {@code perSecond}: each event at its scheduled time, or at once if the producer
     * fell behind (a pause, a full window), so the rate holds on average.
     */
    void sendPaced(int from, int to, int perSecond) throws JMSException, InterruptedException {
        long start = System.nanoTime();
        long interval = 1_000_000_000L / perSecond;
        int late = 0;
        long latest = 0;
        for (int sequence = from; sequence < to; sequence++) {
            long due = start + (sequence - from) * interval;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            send(sequence);
            long lateness = sentAt[sequence] - due;
            if (lateness > interval) {
                late++;
                latest = Math.max(latest, lateness);
            }
        }
        awaitConfirmed();
        Report.progress("paced sends: %d of %d more than one interval late (the latest by %.1f ms)", late,
                to - from, latest / 1e6);
    }

    void awaitConfirmed() throws InterruptedException {
        if (!window.tryAcquire(windowSize, STALL_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("sends still unconfirmed after " + STALL_SECONDS + " s");
        }
        window.release(windowSize);
        throwIfFailed();
    }

    int window() {
        return windowSize;
    }

    long sentAt(int sequence) {
        return sentAt[sequence];
    }

    long lastConfirmedAt() {
        return lastConfirmedAt.get();
    }

    private void throwIfFailed() {
        if (failure.get() != null) {
            throw new IllegalStateException("a send failed", failure.get());
        }
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
