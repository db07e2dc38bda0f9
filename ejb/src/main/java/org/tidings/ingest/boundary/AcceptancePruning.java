package org.tidings.ingest.boundary;

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
import org.tidings.ingest.control.AcceptanceStore;
import org.tidings.ingest.control.SuppressedDuplicates;
import org.tidings.platform.PruningRuns;
import org.tidings.provisioning.control.TaskLockStore;

/**
 * Deletes the records of accepted events older than {@code tidings.dedup.window} (24 hours), every
 * {@code tidings.dedup.prune-interval} (1 minute), on one instance at a time, {@value AcceptanceStore#PRUNE_BATCH}
 * per transaction (docs/adr/0019). A record older than the window decides nothing any more: a claim takes it over.
 * Each run also reports the duplicates this instance suppressed since the last one.
 */
@Singleton
@Startup // the configuration is checked when the application starts, not at the first timer tick
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class AcceptancePruning {

    static final int BATCHES_PER_RUN = 10;

    private static final Logger LOG = Logger.getLogger(AcceptancePruning.class.getName());

    @Inject
    TaskLockStore locks;

    @Inject
    AcceptanceStore store;

    @Inject
    SuppressedDuplicates duplicates;

    @Inject
    @ConfigProperty(name = "tidings.dedup.window", defaultValue = "PT24H")
    Duration window;

    @Inject
    @ConfigProperty(name = "tidings.dedup.prune-interval", defaultValue = "PT1M")
    Duration interval;

    @Resource
    SessionContext context;

    private final Clock clock = Clock.systemUTC();
    private PruningRuns runs;
    private volatile Instant nextReport = Instant.EPOCH;

    @PostConstruct
    void check() {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalStateException("tidings.dedup.window must be positive, not " + window);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalStateException("tidings.dedup.prune-interval must be positive, not " + interval);
        }
        runs = new PruningRuns("accepted-event records older than " + window, interval, BATCHES_PER_RUN, LOG);
    }

    @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void prune() {
        Instant now = clock.instant();
        if (!now.isBefore(nextReport)) {
            nextReport = now.plus(interval);
            duplicates.reported();
        }
        var self = context.getBusinessObject(AcceptancePruning.class);
        Instant before = now.minus(window);
        runs.tick(now, () -> self.prunedBatch(before), deleted -> deleted == AcceptanceStore.PRUNE_BATCH);
    }

    /** Deletes up to {@value AcceptanceStore#PRUNE_BATCH} records accepted before {@code before}; how many. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int prunedBatch(Instant before) {
        if (!locks.acquired(TaskLockStore.DEDUP_PRUNE)) {
            return 0;
        }
        return store.pruned(before);
    }
}
