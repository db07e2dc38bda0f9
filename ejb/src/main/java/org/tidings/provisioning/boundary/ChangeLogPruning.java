package org.tidings.provisioning.boundary;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.provisioning.control.ChangeStore;
import org.tidings.provisioning.control.TaskLockStore;

/**
 * Deletes change-log rows older than the retention, one instance at a time. A view further behind than the
 * retention (down, or cut off from the database, for that long) reloads everything instead of catching up. A
 * singleton that depends on the schema migration, so that its timer cannot fire before the tables exist.
 */
@Singleton
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ChangeLogPruning {

    private static final Logger LOG = Logger.getLogger(ChangeLogPruning.class.getName());

    @Inject
    ChangeStore changes;

    @Inject
    TaskLockStore locks;

    @Inject
    @ConfigProperty(name = "tidings.changes.retention", defaultValue = "PT10M")
    Duration retention;

    private final Clock clock = Clock.systemUTC();

    @Schedule(hour = "*", minute = "*", persistent = false)
    void prune() {
        if (locks.acquired(TaskLockStore.CHANGE_LOG_PRUNING)) {
            int pruned = changes.prunedBefore(clock.instant().minus(retention));
            if (pruned > 0) {
                LOG.fine(() -> pruned + " change-log rows older than " + retention + " pruned");
            }
        }
    }
}
