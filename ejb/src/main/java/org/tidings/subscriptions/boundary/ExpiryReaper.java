package org.tidings.subscriptions.boundary;

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
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import org.tidings.platform.SchemaReadiness;
import org.tidings.provisioning.control.ChangeStore;
import org.tidings.provisioning.control.TaskLockStore;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.subscriptions.entity.Subscription;

/**
 * Removes the rows of subscriptions whose time is up, one instance at a time (the others skip the run), in
 * batches of their own transactions. An expired subscription stops matching at its expiry time on every instance
 * without waiting for this ({@link Matching}); removing the row is housekeeping, and the change log tells the
 * views. A singleton that depends on the schema migration: a timer of a stateless bean could fire before the
 * tables exist.
 */
@Singleton
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ExpiryReaper {

    /** Whether the application has started; until then a run of the timer does nothing (SchemaReadiness). */
    @Inject
    SchemaReadiness readiness;

    static final int BATCH = 500;

    private static final Logger LOG = Logger.getLogger(ExpiryReaper.class.getName());

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    ChangeStore changes;

    @Inject
    TaskLockStore locks;

    @Resource
    SessionContext context;

    private final Clock clock = Clock.systemUTC();

    @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void reap() {
        if (!readiness.isOpen()) {
            return;
        }
        var self = context.getBusinessObject(ExpiryReaper.class);
        try {
            while (self.reapedBatch() == BATCH) {
                // more may be due
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "expired subscriptions not removed this time: " + e);
        }
    }

    /**
     * Removes up to {@link #BATCH} expired subscriptions in one transaction, holding the reaper's lock; 0 if another
     * instance holds it. The delete re-checks the expiry and checks no version: a subscription extended meanwhile
     * stays (its change is recorded all the same, and re-reading it is harmless), and no conflict on one row can
     * abort the others.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int reapedBatch() {
        if (!locks.acquired(TaskLockStore.SUBSCRIPTION_EXPIRY)) {
            return 0;
        }
        Instant now = clock.instant();
        List<UUID> expired = em.createNamedQuery(Subscription.EXPIRED, UUID.class).setParameter("now", now)
                .setMaxResults(BATCH).getResultList();
        if (!expired.isEmpty()) {
            em.createNamedQuery(Subscription.DELETE_EXPIRED).setParameter("ids", expired).setParameter("now", now)
                    .executeUpdate();
            changes.recorded(ChangeKind.SUBSCRIPTION, expired);
        }
        return expired.size();
    }
}
