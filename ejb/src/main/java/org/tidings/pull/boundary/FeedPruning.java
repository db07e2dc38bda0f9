package org.tidings.pull.boundary;

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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.platform.PruningRuns;
import org.tidings.provisioning.control.TaskLockStore;
import org.tidings.pull.control.FeedStore;

/**
 * Deletes the entries of pull feeds older than {@code tidings.pull.retention} (24 hours), every
 * {@code tidings.pull.prune-interval} (1 minute), on one instance at a time, {@value #SUBSCRIPTIONS} subscriptions
 * per transaction. A client that asks for a position older than what is kept is told to resynchronize (410
 * resync-required) instead of silently missing what was deleted (docs/adr/0015). A deleted entry whose event asked
 * for an ack that never came is settled in the delivery ledger as never acknowledged (discarded), in the same
 * transaction, so that {@code DeliveryPruning} deletes its record in turn, after the delivery retention.
 */
@Singleton
@Startup // the configuration is checked when the application starts, not at the first timer tick
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class FeedPruning {

    static final int SUBSCRIPTIONS = 100;
    static final int BATCHES_PER_RUN = 10;

    private static final Logger LOG = Logger.getLogger(FeedPruning.class.getName());

    @Inject
    TaskLockStore locks;

    @Inject
    FeedStore store;

    @Inject
    @ConfigProperty(name = "tidings.pull.retention", defaultValue = "PT24H")
    Duration retention;

    @Inject
    @ConfigProperty(name = "tidings.pull.prune-interval", defaultValue = "PT1M")
    Duration interval;

    @Resource
    SessionContext context;

    private final Clock clock = Clock.systemUTC();
    private PruningRuns runs;

    @PostConstruct
    void check() {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalStateException("tidings.pull.retention must be positive, not " + retention);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalStateException("tidings.pull.prune-interval must be positive, not " + interval);
        }
        runs = new PruningRuns("pull feed entries older than " + retention, interval, BATCHES_PER_RUN, LOG);
    }

    @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void prune() {
        Instant now = clock.instant();
        var self = context.getBusinessObject(FeedPruning.class);
        Instant before = now.minus(retention);
        runs.tick(now, () -> self.prunedBatch(before, now), deleted -> deleted != 0);
    }

    /**
     * Deletes the old entries of up to {@value #SUBSCRIPTIONS} subscriptions, and settles their pending deliveries as
     * never acknowledged (at {@code now}); how many entries it deleted.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int prunedBatch(Instant before, Instant now) {
        if (!locks.acquired(TaskLockStore.PULL_PRUNE)) {
            return 0;
        }
        return store.pruned(before, SUBSCRIPTIONS, now);
    }
}
