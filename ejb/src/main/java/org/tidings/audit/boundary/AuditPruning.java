package org.tidings.audit.boundary;

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
import org.tidings.audit.control.AuditStore;
import org.tidings.platform.PruningRuns;
import org.tidings.provisioning.control.TaskLockStore;

/**
 * Deletes audit records older than {@code tidings.audit.retention} (365 days), every
 * {@code tidings.audit.prune-interval} (1 hour), on one instance at a time, in transactions of at most
 * {@value #BATCH} records (docs/adr/0020). The retention has a floor of one day, so that a typo cannot empty the log.
 */
@Singleton
@Startup // the configuration is checked when the application starts, not at the first timer tick
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class AuditPruning {

    static final int BATCH = 1000;
    static final int BATCHES_PER_RUN = 10;
    static final Duration SHORTEST_RETENTION = Duration.ofDays(1);

    private static final Logger LOG = Logger.getLogger(AuditPruning.class.getName());

    @Inject
    AuditStore store;

    @Inject
    TaskLockStore locks;

    @Inject
    @ConfigProperty(name = "tidings.audit.retention", defaultValue = "P365D")
    Duration retention;

    @Inject
    @ConfigProperty(name = "tidings.audit.prune-interval", defaultValue = "PT1H")
    Duration interval;

    @Resource
    SessionContext context;

    private final Clock clock = Clock.systemUTC();
    private PruningRuns runs;

    @PostConstruct
    void check() {
        if (retention.compareTo(SHORTEST_RETENTION) < 0) {
            throw new IllegalStateException("tidings.audit.retention is " + retention + ": at least "
                    + SHORTEST_RETENTION + ", the audit log is what administrators look back at");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalStateException("tidings.audit.prune-interval must be positive, not " + interval);
        }
        runs = new PruningRuns("audit records older than " + retention, interval, BATCHES_PER_RUN, LOG);
    }

    @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void prune() {
        Instant now = clock.instant();
        var self = context.getBusinessObject(AuditPruning.class);
        Instant before = now.minus(retention);
        runs.tick(now, () -> self.prunedBatch(before), deleted -> deleted == BATCH);
    }

    /** Deletes up to {@value #BATCH} records made before {@code before}; how many it deleted. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int prunedBatch(Instant before) {
        if (!locks.acquired(TaskLockStore.AUDIT_PRUNE)) {
            return 0;
        }
        return store.prunedBatch(before, BATCH);
    }
}
