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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.tidings.delivery.control.CircuitBreakers;
import org.tidings.delivery.control.SinkConcurrency;
import org.tidings.delivery.control.WebhookAttempts;
import org.tidings.delivery.entity.Delivery;
import org.tidings.provisioning.control.TaskLockStore;

/**
 * Sends the parked notifications of webhook and purge sinks when they are due, every second (docs/adr/0012). The due
 * heads (the first waiting notification of a sink and subject) are read by one instance at a time (the retry lock),
 * after the rows whose sender's lease ran out are parked again (docs/adr/0015). Taking a head makes its row
 * {@code SENDING} under a lease, marked as the retry worker's and committed before the call (of two takers of a row,
 * one wins: its row lock), and hands the attempt to a thread of {@link FirstAttempts}, which renews the lease while it
 * runs: the worker waits for no receiver, so one that does not answer delays no other sink's retries. When a
 * notification is delivered (or dead) the next of its line follows at once on the same thread (or, if none is due,
 * another due head of the sink), for up to {@link #LINE_TIME}, so a line drains in order. A sink is taken no further
 * in a run once it is disabled, its circuit is open (while half-open, the first head tried is the probe, given back if
 * the row cannot be taken), or its retries in flight on this instance reach
 * {@code tidings.webhook.max-retries-in-flight-per-sink}: a receiver that hangs holds at most that many threads for
 * retries. If this instance dies during an attempt, the lease runs out and the attempt is made again, with the same
 * {@code webhook-id}.
 */
@Singleton
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DeliveryRetries {

    static final int HEADS = 50;
    /** Stands in the set of sinks left alone, so that the query's NOT IN never gets an empty list. */
    private static final UUID NO_SINK = new UUID(0, 0);
    /** How long one run goes on taking heads, and one thread on draining one line, before the next run. */
    static final Duration LINE_TIME = Duration.ofSeconds(5);

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

    /** A due head as the run found it. */
    public record Head(long position, UUID sinkId) {
    }

    @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void retry() {
        if (!running.compareAndSet(false, true)) {
            return; // the previous run is still at work
        }
        try {
            var self = context.getBusinessObject(DeliveryRetries.class);
            Set<UUID> leftAlone = new HashSet<>(Set.of(NO_SINK));
            Instant deadline = clock.instant().plus(LINE_TIME);
            List<Head> heads = self.dueHeads(leftAlone);
            while (!heads.isEmpty() && clock.instant().isBefore(deadline)) {
                heads.forEach(head -> take(head, leftAlone));
                heads = self.dueHeads(leftAlone);
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "parked notifications not retried this time: " + e);
        } finally {
            running.set(false);
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
        return em.createNamedQuery(Delivery.DUE_HEADS, Delivery.class).setParameter("now", now)
                .setParameter("leftAlone", leftAlone).setMaxResults(HEADS).getResultStream()
                .map(d -> new Head(d.position(), d.sinkId())).toList();
    }

    /**
     * Takes one head and hands its attempt off, unless its sink is left alone for this run: it is already, it has no
     * slot left on this instance, or its circuit is open. Its slot is released when its line's attempts end.
     */
    void take(Head head, Set<UUID> leftAlone) {
        UUID sink = head.sinkId();
        if (leftAlone.contains(sink)) {
            return;
        }
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
            claim = ledger.claimed(head.position(), now.plus(FirstAttempts.LEASE), now);
            if (claim.isEmpty()) {
                breakers.unused(sink, now); // no attempt: a half-open circuit's probe is still to be made
                leftAlone.add(sink); // disabled, gone, or taken meanwhile: the next run looks again
                return;
            }
            var taken = claim.get();
            threads.handOff(taken.notification().id(), holder -> attemptLine(taken, holder),
                    () -> concurrency.releaseRetry(sink));
        } finally {
            if (claim.isEmpty()) {
                concurrency.releaseRetry(sink);
            }
        }
    }

    /**
     * Makes the taken notification's attempt and records its outcome; while they are delivered (or dead) and the sink
     * is fine, takes the next of the line, or when the line has none due, another due head of the sink, and goes on,
     * for up to {@link #LINE_TIME}: so a sink's slots stay busy while it has due notifications, and a sink with many
     * parked lines drains at the pace of its receiver, not one line per slot per run.
     */
    private void attemptLine(DeliveryLedger.Claim first, FirstAttempts.Holder holder) {
        Instant until = clock.instant().plus(LINE_TIME);
        UUID sink = first.sink().id();
        var claim = first;
        while (true) {
            var outcome = attempts.attempt(claim.sink(), claim.notification(), claim.attemptsBefore());
            ledger.attempted(claim.notification(), outcome);
            Instant now = clock.instant();
            if (!outcome.lineGoesOn() || !now.isBefore(until) || !breakers.allows(sink, now)) {
                return;
            }
            Instant lease = now.plus(FirstAttempts.LEASE);
            var next = ledger.nextClaimed(sink, claim.notification().orderingKey(), lease, now)
                    .or(() -> ledger.headOfSinkClaimed(sink, lease, now));
            if (next.isEmpty()) {
                breakers.unused(sink, now);
                return;
            }
            claim = next.get();
            holder.holding(claim.notification().id());
        }
    }
}
