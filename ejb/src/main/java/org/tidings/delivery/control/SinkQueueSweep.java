package org.tidings.delivery.control;

import jakarta.annotation.Resource;
import jakarta.ejb.Asynchronous;
import jakarta.ejb.EJB;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.tidings.platform.BrokerManagement;
import org.tidings.platform.BrokerSessions;
import org.tidings.provisioning.boundary.Views;
import org.tidings.provisioning.entity.CatchUp;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;
import org.tidings.trust.boundary.GrantDirectory;

/**
 * Takes back from a subscriber's JMS sink queues the notifications it may no longer see, after one of its see grants
 * was revoked (docs/adr/0022). Its consumers read those queues on the broker directly, so what waits there is the
 * last place Tidings can still stop such a notification. Runs on a thread of its own, outside any transaction: it is
 * started from the revocation's {@code AFTER_SUCCESS} phase, where the resource adapter refuses to open a session.
 * <p>
 * A sweep browses each queue, checks every waiting notification against the subscriber's see grants as they are now,
 * and has the broker remove the ones they no longer cover, by message id, a batch per management request
 * ({@code QueueControl.removeMessages}). Not with a consumer of its own: Tidings sends a JMS sink's notifications in
 * message groups (one per subject, LEM-8), and the broker hands a group's messages only to the consumer the group is
 * bound to, which is the subscriber's own while it is connected; a sweeping consumer would get none of them.
 * It runs twice:
 * once the revocation has committed, and again {@value #AGAIN_SECONDS} s later, for what was matched under the old
 * grants and forwarded meanwhile (an event in the middle of matching on this instance, or on another instance that
 * had not yet heard of the revocation: the views catch up every two seconds, docs/adr/0010). What a consumer of the
 * queue has already received, acknowledged or not, is not browsable and not taken back.
 * <p>
 * The revocation recorded the sweep it owes ({@link SweepsOwed}); the second sweep, once it has swept every queue,
 * settles it. If this instance stops before that, or a queue could not be swept, the record stays and
 * {@code SweepRecovery} has any instance sweep again once it is {@value #OVERDUE_SECONDS} s overdue.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SinkQueueSweep {

    private static final Logger LOG = Logger.getLogger(SinkQueueSweep.class.getName());
    /** When the second sweep follows the first. */
    static final long AGAIN_SECONDS = 10;
    /** How many notifications one removal takes back at most. */
    static final int BATCH = 100;
    /** How long after its due time an owed sweep is made by the recovery run. */
    public static final long OVERDUE_SECONDS = 60;

    /** What a sweep took back, and whether it swept every queue (if not, what it owes stays owed). */
    public record Swept(int taken, boolean complete) {
    }

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    BrokerSessions sessions;

    @Inject
    BrokerManagement management;

    @Inject
    SeenNow seen;

    @EJB
    Views views;

    @Resource
    SessionContext context;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    SweepsOwed owed;

    private final Clock clock = Clock.systemUTC();

    /**
     * Sweeps the subscriber's JMS sink queues now, and once more {@value #AGAIN_SECONDS} s later; the second sweep
     * settles what the revocation owes.
     */
    @Asynchronous
    public void revoked(UUID subscriber) {
        try {
            swept(subscriber);
        } finally { // a first sweep that failed (no database, say) still has a second one
            var self = context.getBusinessObject(SinkQueueSweep.class);
            scheduler.schedule(() -> self.sweptAndSettled(subscriber), AGAIN_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * Sweeps the subscriber's JMS sink queues; if it swept them all, the sweeps owed to them that were due when it
     * started are made, and settled. Which ones is read before the sweep catches up with the grants (review of
     * 2026-12-02): a revocation recorded later, even one due earlier by another instance's clock, stays owed.
     */
    public Swept sweptAndSettled(UUID subscriber) {
        var self = context.getBusinessObject(SinkQueueSweep.class);
        List<Long> due = self.owedBy(subscriber, clock.instant());
        Swept swept = swept(subscriber);
        if (swept.complete() && !due.isEmpty()) {
            self.settled(due);
        }
        return swept;
    }

    /** The rows of the subscriber's sweeps owed that are due by {@code upTo} ({@link SweepsOwed#due}). */
    public List<Long> owedBy(UUID subscriber, Instant upTo) {
        return owed.due(subscriber, upTo);
    }

    /** Settles these owed sweeps, in a transaction of its own. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void settled(List<Long> owedSweeps) {
        owed.settled(owedSweeps);
    }

    /** Puts off to {@code until} the subscriber's sweeps owed up to {@code upTo}, in a transaction of its own. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void postponed(UUID subscriber, Instant upTo, Instant until) {
        owed.postponed(subscriber, upTo, until);
    }

    /**
     * Takes back what the subscriber's JMS sink queues hold that it may no longer see. A queue that cannot be swept
     * is said in the log and left, and the sweep is not complete. Nor is it if this instance's grant directory could
     * not catch up with the change log first (the database failed its read, say): the grants it judges by may then be
     * older than the revocation, so it takes back what they deny and what it owes stays owed (a review found such a
     * sweep settling the revocation's debt while the notifications it had to take back stayed queued). The other
     * views do not matter here: what a subscriber may see is the grant directory's alone ({@link SeenNow}).
     */
    public Swept swept(UUID subscriber) {
        CatchUp catchUp = views.caughtUp(); // this instance's grant directory must hold the revocation
        boolean complete = grantsCurrent(catchUp);
        if (!complete) {
            LOG.log(Level.WARNING, "the grant directory could not catch up before the sweep of the sink queues of "
                    + "subscriber {0}; it judges by the grants it holds and stays owed: {1}", new Object[] {subscriber,
                    catchUp.reports()});
        }
        int taken = 0;
        List<Sink> sinks = em.createNamedQuery(Sink.OF_OWNER, Sink.class).setParameter("ownerId", subscriber)
                .getResultList();
        for (Sink sink : sinks) {
            if (sink.channel() != Channel.JMS) {
                continue;
            }
            try {
                int fromThis = swept(sink);
                if (fromThis > 0) {
                    LOG.log(Level.INFO, "took back {0} notification(s) from sink queue {1}: subscriber {2} may no "
                            + "longer see them", new Object[] {fromThis, Sink.queueOf(sink.id()), subscriber});
                }
                taken += fromThis;
            } catch (JMSException | RuntimeException e) {
                complete = false;
                LOG.log(Level.WARNING, "sink queue {0} could not be swept after a see grant of subscriber {1} was "
                        + "revoked; what it holds stays: {2}", new Object[] {Sink.queueOf(sink.id()), subscriber,
                        e.toString()});
            }
        }
        return new Swept(taken, complete);
    }

    /** Whether the catch-up brought the grant directory up to the change log. */
    static boolean grantsCurrent(CatchUp catchUp) {
        return catchUp.reports().stream().anyMatch(report -> report.view().equals(GrantDirectory.VIEW)
                && report.current());
    }

    private int swept(Sink sink) throws JMSException {
        String queue = Sink.queueOf(sink.id());
        List<String> unseen = new ArrayList<>();
        sessions.transacted(session -> {
            try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                Enumeration<?> waiting = browser.getEnumeration();
                while (waiting.hasMoreElements()) {
                    Message notification = (Message) waiting.nextElement();
                    if (seen.deniedNow(sink, bodyOf(notification))) { // one that no longer reads is kept
                        unseen.add(notification.getJMSMessageID());
                    }
                }
            }
        });
        int taken = 0;
        for (int from = 0; from < unseen.size(); from += BATCH) {
            // what a consumer received meanwhile is in delivery: the broker leaves it, and it is not counted
            taken += management.removeMessages(queue, selecting(unseen.subList(from, Math.min(unseen.size(),
                    from + BATCH))));
        }
        return taken;
    }

    /**
     * A broker filter for exactly these JMS message ids. A core filter, as the management API reads it: the JMS
     * selector's {@code JMSMessageID} is {@code AMQUserID} there (Artemis' SelectorTranslator), whose value is
     * {@code ID:} and the message's user id, as {@code getJMSMessageID} gives it.
     */
    static String selecting(List<String> messageIds) {
        return messageIds.stream().map(id -> "'" + id.replace("'", "''") + "'")
                .collect(Collectors.joining(",", "AMQUserID IN (", ")"));
    }

    /** A notification's body as it was accepted: the event's text or bytes (EventMessages.copyOf). */
    static byte[] bodyOf(Message notification) throws JMSException {
        if (notification instanceof TextMessage text) {
            String body = text.getText();
            return body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        }
        if (notification instanceof BytesMessage bytes) {
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            return body;
        }
        return new byte[0];
    }
}
