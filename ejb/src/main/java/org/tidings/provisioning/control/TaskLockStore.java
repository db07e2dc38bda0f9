package org.tidings.provisioning.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/**
 * Lets one instance at a time run a periodic task: the task's row in {@code task_lock}, locked until the caller's
 * transaction ends. SKIP LOCKED makes the others skip the run instead of queueing behind it (H2 2.2 and PostgreSQL).
 */
@ApplicationScoped
public class TaskLockStore {

    public static final String SUBSCRIPTION_EXPIRY = "subscription-expiry";
    public static final String CHANGE_LOG_PRUNING = "change-log-pruning";
    public static final String DELIVERY_RETRY = "delivery-retry";
    public static final String DELIVERY_PRUNE = "delivery-prune";
    public static final String PULL_PRUNE = "pull-prune";
    public static final String AUDIT_PRUNE = "audit-prune";
    public static final String DEDUP_PRUNE = "dedup-prune";

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    /** True if this transaction now holds the task's lock; false if another transaction holds it. */
    public boolean acquired(String task) {
        return !em.createNativeQuery("SELECT name FROM task_lock WHERE name = ?1 FOR UPDATE SKIP LOCKED")
                .setParameter(1, task).getResultList().isEmpty();
    }
}
