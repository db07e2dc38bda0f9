package org.tidings.sinks.control;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
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

    /**
     * Creates the queue, or finds it there: the broker auto-creates a {@code tidings.sink.*} queue (durable, never
     * auto-deleted, broker.xml) for its first consumer, which is closed at once.
     */
    public void create(String queue) throws JMSException {
        sessions.transacted(session -> session.createConsumer(session.createQueue(queue)).close());
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
