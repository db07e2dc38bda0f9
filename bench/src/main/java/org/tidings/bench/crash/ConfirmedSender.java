package org.tidings.bench.crash;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.client.SessionFailureListener;

/**
 * Sends events to {@code tidings.events} as a careful source would: Artemis core client, asynchronous durable sends
 * with a bounded number in flight, each counted as accepted only when the broker confirms it (a confirmation
 * follows the journal write). When the connection fails, or confirmations stop coming, it connects again and
 * resends every unconfirmed event with the same {@code _AMQ_DUPL_ID}, so the broker drops what it already had.
 */
final class ConfirmedSender implements AutoCloseable {

    private static final String QUEUE = "tidings.events";
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final ServerLocator locator;
    private final String user;
    private final String password;
    private final int inFlight;
    private final Map<String, Integer> unconfirmed = new ConcurrentHashMap<>();
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastConfirmation = new AtomicLong(System.nanoTime());

    private CrashEvents events;
    private ClientSessionFactory factory;
    private ClientSession session;
    private ClientProducer producer;
    private Semaphore window;
    private volatile boolean broken = true;
    private int reconnects;
    private long deadline;
    private long firstPassNanos;

    ConfirmedSender(String url, String user, String password, int inFlight) throws Exception {
        this.user = user;
        this.password = password;
        this.inFlight = inFlight;
        locator = ActiveMQClient.createServerLocator(url)
                .setBlockOnDurableSend(false)
                // the broker confirms every send on its own (a window of 1 byte), so no confirmation waits for a batch
                .setConfirmationWindowSize(1)
                .setProducerWindowSize(-1)
                .setReconnectAttempts(0)
                .setInitialConnectAttempts(1)
                .setCallTimeout(10_000)
                .setClientFailureCheckPeriod(1_000)
                .setConnectionTTL(5_000);
    }

    /**
     * Sends events 0..count-1 at about {@code rate} per second (0: as fast as the window allows), then waits for
     * every confirmation, reconnecting and resending as needed, until the deadline.
     */
    void send(CrashEvents stream, int count, int rate, long deadlineNanos) throws InterruptedException {
        events = stream;
        deadline = deadlineNanos;
        long start = System.nanoTime();
        for (int n = 0; n < count && System.nanoTime() < deadline; n++) {
            if (rate > 0) {
                long due = start + n * 1_000_000_000L / rate;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
            }
            unconfirmed.put(events.id(n), n);
            deliver(n);
        }
        firstPassNanos = System.nanoTime() - start;
        while (!unconfirmed.isEmpty() && System.nanoTime() < deadline) {
            if (broken || System.nanoTime() - lastConfirmation.get() > STALL_NANOS) {
                reconnect();
            }
            Thread.sleep(50);
        }
    }

    Set<String> confirmed() {
        return confirmed;
    }

    int unconfirmedCount() {
        return unconfirmed.size();
    }

    int reconnects() {
        return reconnects;
    }

    /** How long sending each event once took (resends on a new connection included, the final wait not). */
    double firstPassSeconds() {
        return firstPassNanos / 1e9;
    }

    private void deliver(int n) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            if (broken) {
                reconnect(); // resends every unconfirmed event, this one included
                return;
            }
            try {
                transmit(n);
                return;
            } catch (ActiveMQException e) {
                broken = true;
            }
        }
    }

    /** Connects again (retrying until the deadline) and resends everything not yet confirmed. */
    private void reconnect() throws InterruptedException {
        while (System.nanoTime() < deadline) {
            closeConnection();
            try {
                factory = locator.createSessionFactory();
                session = factory.createSession(user, password, false, true, true, false, 0);
                session.addFailureListener(new SessionFailureListener() {
                    @Override
                    public void connectionFailed(ActiveMQException exception, boolean failedOver) {
                        broken = true;
                    }

                    @Override
                    public void connectionFailed(ActiveMQException exception, boolean failedOver, String scaleDownNodeId) {
                        broken = true;
                    }

                    @Override
                    public void beforeReconnect(ActiveMQException exception) {
                        broken = true;
                    }
                });
                producer = session.createProducer(QUEUE);
                window = new Semaphore(inFlight);
                broken = false;
                lastConfirmation.set(System.nanoTime());
                reconnects++;
                // in the order first sent: what the broker lost is a tail of what it had, so the events of a subject
                // are accepted in the order of their numbers (bench/crash checks that they arrive in it)
                for (int n : unconfirmed.values().stream().sorted().toList()) {
                    transmit(n);
                }
                return;
            } catch (Exception e) {
                broken = true;
                Thread.sleep(250);
            }
        }
    }

    private void transmit(int n) throws ActiveMQException, InterruptedException {
        Semaphore permits = window;
        while (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (broken || System.nanoTime() - lastConfirmation.get() > STALL_NANOS) {
                throw new ActiveMQException("no confirmation: connection broken or stalled");
            }
        }
        String id = events.id(n);
        ClientMessage message = session.createMessage(Message.TEXT_TYPE, true);
        message.getBodyBuffer().writeNullableSimpleString(SimpleString.of(events.body(n)));
        message.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, CrashEvents.duplicateId(id));
        message.setGroupID(events.subjectOf(n)); // JMSXGroupID on the JMS side
        producer.send(message, sent -> {
            confirmed.add(id);
            unconfirmed.remove(id);
            lastConfirmation.set(System.nanoTime());
            permits.release();
        });
    }

    private void closeConnection() {
        try {
            if (factory != null) {
                factory.close();
            }
        } catch (RuntimeException e) {
            // a failed connection may refuse a clean close; it is being replaced
        }
        factory = null;
        session = null;
        producer = null;
    }

    @Override
    public void close() {
        closeConnection();
        locator.close();
    }
}
