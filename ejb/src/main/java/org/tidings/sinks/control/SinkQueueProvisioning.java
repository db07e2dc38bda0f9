package org.tidings.sinks.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tidings.platform.BrokerManagement;
import org.tidings.platform.BrokerSessions;

/**
 * A JMS sink's durable queue lives exactly as long as the sink: created with it, so that a sink's consumer that
 * connects before the first notification finds its queue, and destroyed once the sink's deletion has committed.
 */
@ApplicationScoped
public class SinkQueueProvisioning {

    private static final Logger LOG = Logger.getLogger(SinkQueueProvisioning.class.getName());

    @Inject
    BrokerSessions sessions;

    @Inject
    BrokerManagement management;

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

    /**
     * Once a sink's deletion has committed, removes its queue: with {@code purge}, with whatever it holds; without,
     * only if it is still empty (another instance whose view had not yet seen the subscription go may have routed
     * one more notification, which is then kept). A queue that cannot be removed is left, and said in the log:
     * a queue too many, never a notification lost.
     */
    void sinkDeleted(@Observes(during = TransactionPhase.AFTER_SUCCESS) Deleted deleted) {
        try {
            long held = held(deleted.queue());
            if (held > 0 && !deleted.purge()) {
                LOG.log(Level.WARNING, "sink queue {0} kept: {1} notification(s) arrived while its sink was deleted",
                        new Object[] {deleted.queue(), held});
                return;
            }
            management.destroyQueue(deleted.queue());
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.WARNING, "sink queue {0} of a deleted sink is left: {1}", new Object[] {deleted.queue(),
                    e.toString()});
        }
    }
}
