package org.tidings.sinks.control;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import java.time.Duration;
import org.tidings.platform.BrokerManagement;
import org.tidings.platform.BrokerSessions;

/**
 * A JMS sink's durable queue lives exactly as long as the sink: created with it, so that a sink's consumer that
 * connects before the first notification finds its queue, and destroyed once the sink's deletion has committed.
 */
@ApplicationScoped
public class SinkQueueProvisioning {

    @Inject
    BrokerSessions sessions;

    @Inject
    BrokerManagement management;

    @EJB
    SinkQueueRemoval removal;

    /** How often {@link #create} tries, and how long it waits between two tries. */
    static final int TRIES = 3;
    static final Duration BETWEEN_TRIES = Duration.ofMillis(500);

    /**
     * Creates the queue, or finds it there: the broker auto-creates a {@code tidings.sink.*} queue (durable, never
     * auto-deleted, broker.xml) for its first consumer, which is closed at once. Doing so twice is harmless, so a
     * failure is tried again, up to {@link #TRIES} times: right after a broker restart a pooled connection can fail its
     * first use before the pool has dropped it (ConvergenceIT once got 503 creating a sink just after a restart).
     */
    public void create(String queue) throws JMSException {
        for (int tried = 1; ; tried++) {
            try {
                sessions.transacted(session -> session.createConsumer(session.createQueue(queue)).close());
                return;
            } catch (JMSException | JMSRuntimeException e) {
                if (tried == TRIES) {
                    throw e;
                }
                pause();
            }
        }
    }

    private static void pause() throws JMSException {
        try {
            Thread.sleep(BETWEEN_TRIES.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("interrupted while creating a sink queue");
        }
    }

    /** What the queue holds (waiting, in delivery, scheduled), or 0 if it does not exist. */
    public long held(String queue) throws JMSException {
        return Math.max(0, management.messageCount(queue));
    }

    /** A JMS sink whose deletion is being committed, and whether what its queue holds may be discarded. */
    public record Deleted(String queue, boolean purge) {
    }

    /** Once a sink's deletion has committed, its queue is removed (see {@link SinkQueueRemoval#remove}). */
    void sinkDeleted(@Observes(during = TransactionPhase.AFTER_SUCCESS) Deleted deleted) {
        removal.remove(deleted);
    }

    /** Destroys the queue with its messages; nothing happens if it does not exist. */
    void destroy(String queue) throws JMSException {
        management.destroyQueue(queue);
    }
}
