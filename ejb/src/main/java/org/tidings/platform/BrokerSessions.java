package org.tidings.platform;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Broker sessions outside any JTA transaction, from the resource adapter's pool (docs/adr/0007). The adapter
 * refuses a transacted {@code JMSContext} outside JTA, but gives a local transacted {@code Session} on a factory
 * with {@code allowLocalTransactions}.
 *
 * <p>Every session from here is transacted, and that is not a style choice: the adapter creates a pooled
 * connection's one physical session in the mode of the request that created it, and Payara's pool hands a free
 * pooled connection to the next request whatever mode that asks for (it does not match connections). A
 * "non-transacted" session could so be a transacted one, whose sends wait for a commit that never comes; with one
 * mode for all, what is sent is what is committed (docs/adr/0011). For the same reason a failed piece of work is
 * rolled back here before the connection goes back to the pool: the adapter does not do it.
 */
@ApplicationScoped
public class BrokerSessions {

    /** What is done with one session; may throw what the JMS API throws. */
    @FunctionalInterface
    public interface Work {
        void on(Session session) throws JMSException;
    }

    /** No connection or session could be had: nothing was sent. */
    public static final class Unreachable extends JMSException {
        private static final long serialVersionUID = 1L;

        public Unreachable(Exception cause) {
            super("the message broker cannot be reached: " + cause.getMessage());
            initCause(cause);
            setLinkedException(cause);
        }
    }

    /** The broker refused the transaction: a sender over its cap on queued events (docs/adr/0017). Nothing was sent. */
    public static final class QueuedCapReached extends JMSException {
        private static final long serialVersionUID = 1L;

        public QueuedCapReached(JMSException cause) {
            super(cause.getMessage());
            initCause(cause);
            setLinkedException(cause);
        }
    }

    /**
     * The work failed before the commit, on the client's side: transacted sends do not wait for the broker, so this is
     * a send the client could not make (no producer credit: the broker refused it because the address is blocked, or
     * full under the FAIL policy) or a session closed under it. The transaction was rolled back and never committed,
     * so nothing of it was accepted, unlike a failure of the commit itself, whose outcome is unknown (the broker's own
     * refusals while routing, such as security or a full address, come with the commit).
     */
    public static final class NotCommitted extends JMSException {
        private static final long serialVersionUID = 1L;

        public NotCommitted(Exception cause, String errorCode) {
            super("the work failed before its commit: " + cause.getMessage(), errorCode);
            initCause(cause);
            setLinkedException(cause);
        }
    }

    /**
     * The broker did not take the work's messages in the time allowed: it is holding senders back (Artemis grants no
     * credit while its disk is fuller than {@code max-disk-usage}, and its client then waits for credit without end).
     * Or a send was held back so within that time, and this one was refused without trying. Nothing was committed:
     * the transaction was rolled back (of a large message, over 100 KiB encoded, the broker may keep the part sent
     * until the session's next large message or its end, never routed).
     */
    public static final class Blocked extends JMSException {
        private static final long serialVersionUID = 1L;

        public Blocked(String message, Exception cause) {
            super(message);
            if (cause != null) {
                initCause(cause);
                setLinkedException(cause);
            }
        }
    }

    @Resource(lookup = Resources.CONNECTION_FACTORY)
    ConnectionFactory factory;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threadFactory;

    /** The alarms of bounded sends: a thread of their own, so that no other task can hold one up. */
    private ScheduledThreadPoolExecutor alarms;

    private final Gate gate = new Gate();

    @PostConstruct
    void start() {
        var executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = threadFactory.newThread(runnable);
            thread.setName("tidings-send-alarm-" + thread.getId());
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true); // almost every alarm is cancelled: not kept until its time
        alarms = executor;
    }

    @PreDestroy
    void stop() {
        alarms.shutdownNow();
    }

    /**
     * Runs the work in one local broker transaction and commits it. Every message the work sends must carry a
     * duplicate id: returns false, having changed nothing, if the broker already had one of them (Artemis then
     * ignores the whole transaction; for work whose messages are always sent together, one event or one event's
     * notifications, all of it was accepted before; a batch of events is committed again in parts, docs/adr/0025).
     * Of a transaction that is refused for several of its messages, the broker reports the last refusal.
     * Throws {@link Unreachable} if no session could be had, {@link QueuedCapReached} if the broker refused a message
     * over its sender's cap (nothing sent), {@link NotCommitted} if the work failed otherwise before the commit (nothing
     * committed); any other failure, of the commit itself, leaves the outcome unknown.
     */
    public boolean commitOnce(Work work) throws JMSException {
        return commitOnce(work, null);
    }

    /**
     * As {@link #commitOnce(Work)}, but the work's sends may take at most {@code bound} (null: no bound): if they have
     * not returned by then, the sending thread is interrupted, which ends the Artemis client's wait for credit, and
     * this throws {@link Blocked}, nothing having been committed. The commit is not bounded here (the client's call
     * timeout bounds it), as its outcome could not be known if it were cut short. Once a send was held back, the
     * bounded sends that follow within {@code bound} are refused at once, and then one at a time tries until one is
     * not held back ({@link Gate}): while the broker's disk is full, a burst of requests does not hold as many
     * threads and pooled connections for {@code bound} each.
     */
    public boolean commitOnce(Work work, Duration bound) throws JMSException {
        if (bound == null) {
            return committedOnce(work, null);
        }
        Gate.Admission admission = gate.admits(System.nanoTime());
        if (admission == Gate.Admission.REFUSED) {
            throw new Blocked("the message broker held back a send in the last " + bound + "; this one was refused "
                    + "without trying", null);
        }
        boolean heldBack = false;
        try {
            return committedOnce(work, bound);
        } catch (Blocked e) {
            heldBack = true;
            throw e;
        } finally {
            gate.ended(admission, heldBack, System.nanoTime(), bound.toNanos());
        }
    }

    private boolean committedOnce(Work work, Duration bound) throws JMSException {
        try (Connection connection = connect()) {
            Session session = transacted(connection);
            try {
                try {
                    bounded(work, session, bound);
                } catch (JMSException e) {
                    throw e instanceof Blocked || BrokerOutcomes.isDuplicateRejected(e)
                            || BrokerOutcomes.isQueuedCapReached(e) ? e : new NotCommitted(e, e.getErrorCode());
                } catch (JMSRuntimeException e) {
                    throw new NotCommitted(e, e.getErrorCode());
                }
                session.commit();
                return true;
            } catch (JMSException e) {
                rollBack(session);
                if (BrokerOutcomes.isDuplicateRejected(e)) {
                    return false;
                }
                if (BrokerOutcomes.isQueuedCapReached(e)) {
                    throw new QueuedCapReached(e);
                }
                throw e;
            } catch (RuntimeException | Error e) {
                rollBack(session);
                throw e;
            }
        }
    }

    /**
     * Runs the work on a started connection's transacted session (so it may receive too) and commits at the end;
     * the work may commit in between. Throws {@link Unreachable} if no session could be had.
     */
    public void transacted(Work work) throws JMSException {
        try (Connection connection = connect()) {
            Session session = transacted(connection);
            try {
                connection.start();
                work.on(session);
                session.commit();
            } catch (JMSException | RuntimeException | Error e) {
                rollBack(session);
                throw e;
            }
        }
    }

    /**
     * Runs the work; if it has not returned within {@code bound}, interrupts it and throws {@link Blocked}. The
     * interrupt is confined to the work: it comes only while the work runs, and one that came is cleared before this
     * returns or throws, so neither the rollback nor the pooled thread's next task sees it.
     */
    private void bounded(Work work, Session session, Duration bound) throws JMSException {
        if (bound == null) {
            work.on(session);
            return;
        }
        var watch = new Watch(Thread.currentThread());
        ScheduledFuture<?> alarm = alarms.schedule(watch::expire, Math.max(1, bound.toMillis()),
                TimeUnit.MILLISECONDS);
        try {
            work.on(session);
        } catch (JMSException | RuntimeException e) {
            if (watch.ended()) {
                throw new Blocked("the message broker did not take the message within " + bound
                        + ": it is holding senders back", e);
            }
            throw e;
        } finally {
            alarm.cancel(false);
            watch.ended();
        }
    }

    /**
     * Whether bounded sends may try: open until one is held back; then closed (each refused at once) for the bound's
     * time, after which one at a time may try (the others still refused) until one is not held back. Per instance:
     * each Tidings finds out for itself.
     */
    static final class Gate {

        /** How a send was let through, or not. */
        enum Admission { REFUSED, OPEN, TRYING }

        private boolean closed;
        private boolean trying;
        private long reopensAt;

        /** Whether a send may try now ({@code now} in {@link System#nanoTime} terms); if it may, it must call ended. */
        synchronized Admission admits(long now) {
            if (!closed) {
                return Admission.OPEN;
            }
            if (trying || now - reopensAt < 0) {
                return Admission.REFUSED;
            }
            trying = true;
            return Admission.TRYING;
        }

        /**
         * A send that was let through ended: held back (the gate closes for {@code closedNanos} from now), or not (it
         * opens: the broker took a message, or answered otherwise).
         */
        synchronized void ended(Admission admission, boolean heldBack, long now, long closedNanos) {
            if (admission == Admission.TRYING) {
                trying = false;
            }
            if (heldBack) {
                closed = true;
                reopensAt = now + closedNanos;
            } else {
                closed = false;
            }
        }
    }

    /** Interrupts a thread's work once its time is up, unless the work has ended. */
    static final class Watch {
        private final Thread worker;
        private boolean ended;
        private boolean expired;

        Watch(Thread worker) {
            this.worker = worker;
        }

        synchronized void expire() {
            if (!ended) {
                expired = true;
                worker.interrupt();
            }
        }

        /**
         * Called by the worker: ends the watch (no interrupt comes after this), clears the interrupt if one came, and
         * says whether the time was up.
         */
        synchronized boolean ended() {
            if (!ended) {
                ended = true;
                if (expired) {
                    Thread.interrupted();
                }
            }
            return expired;
        }
    }

    /**
     * Ends what a failed piece of work left open. The adapter does not roll back when a pooled connection is handed
     * back: without this, the next user of the connection would commit (or fail on) this one's sends.
     */
    private static void rollBack(Session session) {
        try {
            session.rollback();
        } catch (JMSException | RuntimeException e) {
            // the session is broken: the adapter reports the connection error and the pool destroys it
        }
    }

    private Connection connect() throws Unreachable {
        try {
            return factory.createConnection();
        } catch (JMSException | JMSRuntimeException e) {
            throw new Unreachable(e);
        }
    }

    private static Session transacted(Connection connection) throws JMSException {
        try {
            return connection.createSession(true, Session.SESSION_TRANSACTED);
        } catch (JMSException | JMSRuntimeException e) {
            connection.close();
            throw new Unreachable(e);
        }
    }
}
