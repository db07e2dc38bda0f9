package org.tidings.delivery.boundary;

import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.tidings.delivery.control.CircuitBreakers;
import org.tidings.delivery.control.WebhookAttempts;
import org.tidings.delivery.entity.Delivery;
import org.tidings.provisioning.control.TaskLockStore;
import org.tidings.sinks.entity.Sink;

/**
 * Sends the parked notifications of webhook sinks when they are due, one instance at a time (the others skip the
 * run), every second (docs/adr/0012); first attempts whose sender's lease ran out are parked first, and sent with them
 * (docs/adr/0015). Only the first waiting notification of a sink and subject is ever tried; when
 * it is delivered (or dead) the next one of that line follows at once, so a line drains in order. A sink that is
 * disabled or whose circuit is open is left alone for the rest of the run, and one whose attempt fails for the rest
 * of the batch, so it burns no attempts of its other lines meanwhile (while half-open, its first due notification is
 * the probe). Each batch is one transaction: the outcome of an
 * attempt is committed with its batch, and an attempt whose batch did not commit (a crash) is made again, with the
 * same {@code webhook-id}.
 */
@Singleton
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DeliveryRetries {

    static final int HEADS = 50;
    /** Stands in the set of sinks left alone, so that the query's NOT IN never gets an empty list. */
    private static final UUID NO_SINK = new UUID(0, 0);
    static final Duration BATCH_TIME = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(DeliveryRetries.class.getName());

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    TaskLockStore locks;

    @Inject
    WebhookAttempts attempts;

    @Inject
    CircuitBreakers breakers;

    @Resource
    SessionContext context;

    private final Clock clock = Clock.systemUTC();
    private final AtomicBoolean running = new AtomicBoolean();

    @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void retry() {
        if (!running.compareAndSet(false, true)) {
            return; // the previous run is still at work
        }
        try {
            var self = context.getBusinessObject(DeliveryRetries.class);
            Set<UUID> leftAlone = new HashSet<>(Set.of(NO_SINK));
            while (self.retriedBatch(leftAlone) > 0) {
                // more may be due
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "parked notifications not retried this time: " + e);
        } finally {
            running.set(false);
        }
    }

    /**
     * Tries due notifications for at most {@link #BATCH_TIME}, holding the retry lock, except those of the sinks in
     * {@code leftAlone}, to which it adds the sinks that are disabled or whose circuit is open: their heads are not
     * fetched again in this run, so they cannot crowd out other sinks' heads. A sink whose attempt fails is left alone
     * for the rest of this batch only (its failed head is no longer due; its other lines may be tried in the next
     * batch, and its circuit opens if the failures go on). The number of heads it looked at (0: nothing more is due
     * in this run).
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int retriedBatch(Set<UUID> leftAlone) {
        if (!locks.acquired(TaskLockStore.DELIVERY_RETRY)) {
            return 0;
        }
        Instant deadline = clock.instant().plus(BATCH_TIME);
        // first attempts whose sender died with its message (the lease ran out): parked, due, in their place
        em.createNamedQuery(Delivery.LEASE_RAN_OUT).setParameter("now", clock.instant()).executeUpdate();
        List<Delivery> heads = em.createNamedQuery(Delivery.DUE_HEADS, Delivery.class)
                .setParameter("now", clock.instant()).setParameter("leftAlone", leftAlone).setMaxResults(HEADS)
                .getResultList();
        Map<UUID, Sink> sinks = new HashMap<>();
        Set<UUID> failed = new HashSet<>();
        for (Delivery head : heads) {
            if (leftAlone.contains(head.sinkId()) || failed.contains(head.sinkId())
                    || !clock.instant().isBefore(deadline)) {
                continue;
            }
            Sink sink = sinks.computeIfAbsent(head.sinkId(), id -> em.find(Sink.class, id));
            Delivery delivery = head;
            while (delivery != null) {
                if (sink == null) {
                    delivery.dead(delivery.attempts(), null, "the sink no longer exists", clock.instant());
                } else if (!sink.enabled() || !breakers.allows(sink.id(), clock.instant())) {
                    leftAlone.add(sink.id());
                    break;
                } else {
                    if (!attempted(sink, delivery)) {
                        failed.add(sink.id());
                        break;
                    }
                }
                em.flush();
                delivery = clock.instant().isBefore(deadline) ? nextInLine(delivery) : null;
            }
        }
        return heads.size();
    }

    /** One attempt, its outcome recorded on the delivery; false if the sink failed or is gone. */
    private boolean attempted(Sink sink, Delivery delivery) {
        var outcome = attempts.attempt(sink, delivery.notification(), delivery.attempts());
        outcome.applyTo(delivery, sink);
        return outcome.lineGoesOn();
    }

    /** The next waiting notification of the same sink and subject, if it is due. */
    private Delivery nextInLine(Delivery previous) {
        List<Delivery> next = em.createNamedQuery(Delivery.NEXT_IN_LINE, Delivery.class)
                .setParameter("sinkId", previous.sinkId()).setParameter("key", previous.orderingKey())
                .setMaxResults(1).getResultList();
        return next.isEmpty() || next.get(0).nextAttemptAt().isAfter(clock.instant()) ? null : next.get(0);
    }
}
