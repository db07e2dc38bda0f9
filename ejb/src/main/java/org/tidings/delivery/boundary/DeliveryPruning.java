package org.tidings.delivery.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.delivery.entity.Delivery;
import org.tidings.delivery.entity.DeliveryStatus;
import org.tidings.platform.PruningRuns;
import org.tidings.provisioning.control.TaskLockStore;

/**
 * Deletes the delivery records that are finished (delivered, or discarded: by an operator, or as a pull notification
 * never acknowledged) and older than {@code tidings.delivery.retention} (7 days), every
 * {@code tidings.delivery.prune-interval} (1 minute), on one instance at a time, in transactions of at most
 * {@value #BATCH} rows. Waiting notifications and dead letters are never deleted: they are still owed to their sink
 * or to an operator's decision (docs/adr/0012). Nor are pending pull notifications, which wait for their receiver's
 * ack until pull retention deletes their feed entry and settles them as never acknowledged (docs/adr/0015).
 *
 * <p>A record is what tells a redelivered message that its notification was handled. The broker redelivers a
 * message whose acknowledgement was lost as soon as another consumer or the restarted instance takes it, so while
 * some instance runs a record is needed for seconds; the retention has a floor of one hour. If every instance is
 * down for longer than the retention, the first run after the restart may delete a record before the broker has
 * redelivered its message: that notification is then sent again, with the same {@code webhook-id}.
 */
@Singleton
@Startup // the configuration is checked when the application starts, not at the first timer tick
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DeliveryPruning {

    static final int BATCH = 1000;
    /** Batches per run at most, so that a large backlog of old records is worked off over several runs. */
    static final int BATCHES_PER_RUN = 10;
    static final Duration SHORTEST_RETENTION = Duration.ofHours(1);
    /** The statuses whose records are pruned: nothing more will be sent for them. */
    static final List<DeliveryStatus> FINISHED = List.of(DeliveryStatus.DELIVERED, DeliveryStatus.DISCARDED);

    private static final Logger LOG = Logger.getLogger(DeliveryPruning.class.getName());

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    TaskLockStore locks;

    @Inject
    @ConfigProperty(name = "tidings.delivery.retention", defaultValue = "P7D")
    Duration retention;

    @Inject
    @ConfigProperty(name = "tidings.delivery.prune-interval", defaultValue = "PT1M")
    Duration interval;

    @Resource
    SessionContext context;

    private final Clock clock = Clock.systemUTC();
    private PruningRuns runs;

    @PostConstruct
    void check() {
        if (retention.compareTo(SHORTEST_RETENTION) < 0) {
            throw new IllegalStateException("tidings.delivery.retention is " + retention + ": at least "
                    + SHORTEST_RETENTION + ", the records tell redelivered notifications they were handled");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalStateException("tidings.delivery.prune-interval must be positive, not " + interval);
        }
        runs = new PruningRuns("finished delivery records older than " + retention, interval, BATCHES_PER_RUN, LOG);
    }

    @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void prune() {
        Instant now = clock.instant();
        var self = context.getBusinessObject(DeliveryPruning.class);
        Instant before = now.minus(retention);
        runs.tick(now, () -> self.prunedBatch(before), deleted -> deleted == BATCH);
    }

    /** Deletes up to {@value #BATCH} finished records last changed before {@code before}; how many it deleted. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int prunedBatch(Instant before) {
        if (!locks.acquired(TaskLockStore.DELIVERY_PRUNE)) {
            return 0;
        }
        List<Long> positions = new ArrayList<>();
        for (DeliveryStatus finished : FINISHED) {
            positions.addAll(em.createNamedQuery(Delivery.FINISHED_BEFORE, Long.class)
                    .setParameter("status", finished).setParameter("before", before)
                    .setMaxResults(BATCH - positions.size()).getResultList());
            if (positions.size() == BATCH) {
                break;
            }
        }
        if (positions.isEmpty()) {
            return 0;
        }
        return em.createNamedQuery(Delivery.DELETE_POSITIONS).setParameter("positions", positions).executeUpdate();
    }
}
