package org.tidings.delivery.boundary;

import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.tidings.delivery.control.CircuitBreakers;
import org.tidings.delivery.control.SinkConcurrency;
import org.tidings.delivery.control.WebhookAttempts;
import org.tidings.delivery.entity.Delivery;
import org.tidings.delivery.entity.Notification;
import org.tidings.platform.SchemaReadiness;
import org.tidings.provisioning.control.TaskLockStore;
import org.tidings.sinks.entity.Sink;

/**
 * Sends the parked notifications of webhook and purge sinks when they are due, every second (docs/adr/0012). The due
 * heads (the first waiting notification of a sink and subject) are read by one instance at a time (the retry lock),
 * after the rows whose sender's lease ran out are parked again (docs/adr/0015). Taking a head makes its row
 * {@code SENDING} under a lease, marked as the retry worker's and committed before the call (of two takers of a row,
 * one wins: its row lock), and hands the attempt to a thread of {@link FirstAttempts}, which renews the lease while it
 * runs: the worker waits for no receiver, so one that does not answer delays no other sink's retries. When a
 * notification is delivered (or dead) the next of its line follows at once on the same thread (or, if none is due,
 * another of the heads the run read for the sink), for up to {@link #LINE_TIME}, so a line drains in order. A sink is
 * taken no further in a run once it is disabled, its circuit is open (while half-open, the first head tried is the
 * probe, given back if the row cannot be taken), or it has no slot or retry permit left on this instance
 * ({@link SinkConcurrency}: a receiver that hangs holds at most 16 threads, first attempts and retries together). If
 * this instance dies during an attempt, the lease runs out and the attempt is made again, with the same
 * {@code webhook-id}. A notification parked behind its line is not due by itself: the finish of the one ahead makes it
 * due, and once a minute the runs look for any left behind that no row ahead holds any more
 * ({@link #leftBehindMadeDue}).
 */
@Singleton
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DeliveryRetries {

    /** Whether the application has started; until then a run of the timer does nothing (SchemaReadiness). */
    @Inject
    SchemaReadiness readiness;

    static final int HEADS = 50;
    /** Stands in the set of sinks left alone, so that the query's NOT IN never gets an empty list. */
    private static final UUID NO_SINK = new UUID(0, 0);
    /** How long one run goes on taking heads, and one thread on draining one line, before the next run. */
    static final Duration LINE_TIME = Duration.ofSeconds(5);
    /**
     * How often the runs look for rows parked behind a line that no longer holds them ({@link Delivery#LEFT_BEHIND}):
     * a finish that could not lock the row behind it left it so. That search reads every row parked behind a line.
     */
    static final Duration LEFT_BEHIND_EVERY = Duration.ofMinutes(1);

    private static final Logger LOG = Logger.getLogger(DeliveryRetries.class.getName());

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    TaskLockStore locks;

    @Inject
    WebhookAttempts attempts;

    @Inject
    CircuitBreakers breakers;

    @Inject
    SinkConcurrency concurrency;

    @Inject
    FirstAttempts threads;

    @EJB
    DeliveryLedger ledger;

    @Resource
    SessionContext context;

    private final Clock clock = Clock.systemUTC();
    private final AtomicBoolean running = new AtomicBoolean();
    /** When this instance's runs next look for rows left behind (on the retry lock's holder); at once on start. */
    private volatile Instant leftBehindSearch = Instant.MIN;

    /** A due head as the run found it, and whether its sink was enabled then. */
    public record Head(long position, UUID sinkId, boolean sinkEnabled) {
    }

    @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void retry() {
        if (!readiness.isOpen() || !running.compareAndSet(false, true)) {
            return; // the previous run is still at work
        }
        try {
            breakers.forgetIdle(clock.instant()); // this instance's breakers, whether or not it holds the retry lock
            var self = context.getBusinessObject(DeliveryRetries.class);
            if (!clock.instant().isBefore(leftBehindSearch)) {
                leftBehindSearch = clock.instant().plus(LEFT_BEHIND_EVERY);
                try {
                    self.leftBehindMadeDue();
                } catch (RuntimeException e) {
                    LOG.warning(() -> "no search for parked notifications left behind this time: " + e);
                }
            }
            Set<UUID> leftAlone = new HashSet<>(Set.of(NO_SINK));
            Instant deadline = clock.instant().plus(LINE_TIME);
            List<Head> heads = self.dueHeads(leftAlone);
            while (!heads.isEmpty() && clock.instant().isBefore(deadline)) {
                Map<UUID, Queue<Long>> bySink = new LinkedHashMap<>();
                for (Head head : heads) {
                    if (!head.sinkEnabled()) {
                        leftAlone.add(head.sinkId());
                    }
                    bySink.computeIfAbsent(head.sinkId(), id -> new ConcurrentLinkedQueue<>()).add(head.position());
                }
                bySink.forEach((sink, candidates) -> takeAll(sink, candidates, leftAlone));
                heads = self.dueHeads(leftAlone);
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "parked notifications not retried this time: " + e);
        } finally {
            running.set(false);
        }
    }

    /**
     * Makes due the rows parked behind a line that no longer holds them ({@link Delivery#LEFT_BEHIND}), in a
     * transaction of its own, so that its failure costs no retries; nothing while another instance holds the retry
     * lock.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void leftBehindMadeDue() {
        if (!locks.acquired(TaskLockStore.DELIVERY_RETRY)) {
            return;
        }
        int found = em.createNamedQuery(Delivery.LEFT_BEHIND).setParameter("now", clock.instant()).executeUpdate();
        if (found > 0) {
            LOG.info(() -> found + " parked notifications whose line no longer held them made due");
        }
    }

    /**
     * Parks the rows whose sender's lease ran out, and reads the due heads, at most {@link #HEADS}, except those of the
     * sinks in {@code leftAlone}: a sink left alone cannot crowd out the others' heads. Nothing while another instance
     * holds the retry lock.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public List<Head> dueHeads(Set<UUID> leftAlone) {
        if (!locks.acquired(TaskLockStore.DELIVERY_RETRY)) {
            return List.of();
        }
        Instant now = clock.instant();
        // first attempts and retries whose sender died (the lease ran out): parked, due, in their place
        em.createNamedQuery(Delivery.LEASE_RAN_OUT).setParameter("now", now).executeUpdate();
        Map<UUID, Boolean> enabled = new HashMap<>();
        return em.createNamedQuery(Delivery.DUE_HEADS, Delivery.class).setParameter("now", now)
                .setParameter("epoch", Instant.EPOCH).setParameter("leftAlone", leftAlone).setMaxResults(HEADS)
                .getResultStream()
                .map(d -> new Head(d.position(), d.sinkId(), enabled.computeIfAbsent(d.sinkId(), id -> {
                    Sink sink = em.find(Sink.class, id);
                    return sink == null || sink.enabled(); // a head of a sink that is gone dies when taken
                }))).toList();
    }

    /**
     * Hands off the attempts of one sink's due heads: a thread for each retry slot the sink has free, each with a head
     * it took, going on with the others ({@code candidates}, shared by them) when its line has nothing more due. One
     * head that fails to be taken (an exception) costs that sink the rest of the run, not the other sinks.
     */
    void takeAll(UUID sink, Queue<Long> candidates, Set<UUID> leftAlone) {
        try {
            while (!leftAlone.contains(sink) && !candidates.isEmpty()) {
                take(sink, candidates, leftAlone);
            }
        } catch (RuntimeException e) {
            leftAlone.add(sink);
            LOG.warning(() -> "the parked notifications of sink " + sink + " not retried this time: " + e);
        }
    }

    /**
     * Takes one of the sink's candidate heads and hands its attempt off, unless the sink is to be left alone for the
     * rest of the run: it has no retry slot left on this instance, its circuit is open, or none of its candidates
     * could be taken. The slot is released when the thread's attempts end.
     */
    void take(UUID sink, Queue<Long> candidates, Set<UUID> leftAlone) {
        if (!concurrency.tryAcquireRetry(sink)) {
            leftAlone.add(sink);
            return;
        }
        Optional<DeliveryLedger.Claim> claim = Optional.empty();
        try {
            Instant now = clock.instant();
            if (!breakers.allows(sink, now)) {
                leftAlone.add(sink);
                return;
            }
            claim = claimOne(candidates, now);
            if (claim.isEmpty()) {
                breakers.unused(sink, now); // no attempt: a half-open circuit's probe is still to be made
                leftAlone.add(sink); // disabled, gone, or taken meanwhile: the next run looks again
                return;
            }
            var taken = claim.get();
            threads.handOff(taken.notification().id(), holder -> attemptLine(taken, candidates, holder),
                    () -> concurrency.releaseRetry(sink));
        } finally {
            if (claim.isEmpty()) {
                concurrency.releaseRetry(sink);
            }
        }
    }

    /** The first of the candidates that can be taken now, each candidate tried once (by whichever thread polls it). */
    private Optional<DeliveryLedger.Claim> claimOne(Queue<Long> candidates, Instant now) {
        for (Long position = candidates.poll(); position != null; position = candidates.poll()) {
            var claim = ledger.claimed(position, now.plus(FirstAttempts.LEASE), now);
            if (claim.isPresent()) {
                return claim;
            }
        }
        return Optional.empty();
    }

    /**
     * Records the outcome and takes the next of its line in one transaction ({@link DeliveryLedger#attemptedThenNext});
     * if that fails, its transaction rolled the outcome back too, so the outcome is recorded alone, as if the line had
     * nothing due.
     */
    private Optional<DeliveryLedger.Claim> recordedThenNext(Notification notification,
            WebhookAttempts.Outcome outcome) {
        Instant now = clock.instant();
        try {
            return ledger.attemptedThenNext(notification, outcome, now.plus(FirstAttempts.LEASE), now);
        } catch (RuntimeException e) {
            LOG.fine(() -> "the next of the line of " + notification.id() + " not taken, its outcome recorded alone: "
                    + e);
            ledger.attempted(notification, outcome);
            return Optional.empty();
        }
    }

    /**
     * Makes the taken notification's attempt and records its outcome; while they are delivered (or dead) and the sink
     * is fine, takes the next of the line, or when the line has none due, another of the run's heads of the sink, and
     * goes on, for up to {@link #LINE_TIME}: so a sink with many parked lines drains at the pace of its receiver, not
     * one line per slot per run.
     */
    private void attemptLine(DeliveryLedger.Claim first, Queue<Long> candidates, FirstAttempts.Holder holder) {
        Instant until = clock.instant().plus(LINE_TIME);
        UUID sink = first.sink().id();
        var claim = first;
        while (true) {
            var outcome = attempts.attempt(claim.sink(), claim.notification(), claim.attemptsBefore());
            Instant now = clock.instant();
            if (!outcome.lineGoesOn() || !now.isBefore(until) || !breakers.allows(sink, now)) {
                ledger.attempted(claim.notification(), outcome);
                return;
            }
            Optional<DeliveryLedger.Claim> next;
            try {
                next = recordedThenNext(claim.notification(), outcome).or(() -> claimOne(candidates, clock.instant()));
            } catch (RuntimeException | Error e) {
                breakers.unused(sink, now); // a half-open circuit's probe, if allows() gave it, is still to be made
                throw e;
            }
            if (next.isEmpty()) {
                breakers.unused(sink, now);
                return;
            }
            claim = next.get();
            holder.holding(claim.notification().id());
        }
    }
}
