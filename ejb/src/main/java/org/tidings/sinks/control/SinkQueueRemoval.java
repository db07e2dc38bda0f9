package org.tidings.sinks.control;

import jakarta.ejb.Asynchronous;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tidings.sinks.entity.Sink;

/**
 * Removes the queue of a sink whose deletion has committed, on a thread of its own and outside any transaction:
 * called from the commit's {@code AFTER_SUCCESS} phase, where the completed transaction is still on the thread and the
 * resource adapter refuses to open a session ("Transaction is committed").
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SinkQueueRemoval {

    private static final Logger LOG = Logger.getLogger(SinkQueueRemoval.class.getName());

    @Inject
    SinkQueueProvisioning queues;

    @Inject
    SinkQueueAccess access;

    /**
     * With {@code purge}, removes the queue with whatever it holds; without, only if it is still empty (another
     * instance whose view had not yet seen the subscription go may have routed one more notification, which is then
     * kept). A queue that cannot be removed is left, and said in the log: a queue too many, never a notification lost.
     */
    @Asynchronous
    public void remove(SinkQueueProvisioning.Deleted deleted) {
        try {
            long held = queues.held(deleted.queue());
            if (held > 0 && !deleted.purge()) {
                LOG.log(Level.WARNING, "sink queue {0} kept: {1} notification(s) arrived while its sink was deleted",
                        new Object[] {deleted.queue(), held});
                return;
            }
            queues.destroy(deleted.queue());
            // its dead letters: discarded with purge, else the queue goes only if empty (Sinks.delete refused a sink
            // that had any without purge; one may have died since)
            String dead = Sink.deadLettersOf(deleted.queue());
            long deadLetters = queues.held(dead);
            if (deadLetters > 0 && !deleted.purge()) {
                LOG.log(Level.WARNING, "dead-letter queue {0} kept: {1} notification(s) died while its sink was "
                        + "deleted", new Object[] {dead, deadLetters});
            } else {
                queues.destroy(dead);
            }
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.WARNING, "sink queue {0} of a deleted sink is left: {1}", new Object[] {deleted.queue(),
                    e.toString()});
        } finally {
            withdrawAccess(deleted.queue());
        }
    }

    /** The queue's own security setting, if it had one, goes with the sink: no subscriber reads what is left. */
    private void withdrawAccess(String queue) {
        try {
            access.withdraw(queue);
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.WARNING, "the security setting of sink queue {0} of a deleted sink is left: {1}",
                    new Object[] {queue, e.toString()});
        }
    }
}
