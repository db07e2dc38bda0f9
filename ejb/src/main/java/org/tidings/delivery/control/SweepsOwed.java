package org.tidings.delivery.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * The sweeps that revoked see grants owe (docs/adr/0022, table sweep_owed): recorded in the revocation's transaction,
 * settled by the sweep that comes after their due time, so that a sweep its instance never made (it stopped between
 * the commit and the sweep) is found and made by another. Joins the caller's transaction.
 */
@ApplicationScoped
public class SweepsOwed {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    /** Records that the subscriber's JMS sink queues are owed a sweep at {@code dueAt}. */
    public void owed(UUID subscriber, Instant dueAt) {
        em.createNativeQuery("INSERT INTO sweep_owed (subscriber_id, due_at) VALUES (?1, ?2)")
                .setParameter(1, subscriber).setParameter(2, dueAt.atOffset(ZoneOffset.UTC)).executeUpdate();
    }

    /**
     * The subscriber's sweeps owed that are due by {@code upTo}, as the ids of their rows: read before a sweep catches
     * up with the grants, they are the revocations it covers, whatever the clocks of the instances that recorded them.
     */
    public List<Long> due(UUID subscriber, Instant upTo) {
        return em.createNativeQuery("SELECT id FROM sweep_owed WHERE subscriber_id = ?1 AND due_at <= ?2", Long.class)
                .setParameter(1, subscriber).setParameter(2, upTo.atOffset(ZoneOffset.UTC)).getResultList().stream()
                .map(id -> ((Number) id).longValue()).toList();
    }

    /** Settles these owed sweeps (rows of {@link #due}): a sweep that read them before it swept has made them. */
    public int settled(List<Long> ids) {
        return ids.isEmpty() ? 0 : em.createNativeQuery("DELETE FROM sweep_owed WHERE id IN (:ids)")
                .setParameter("ids", ids).executeUpdate();
    }

    /**
     * Subscribers owed a sweep that was due before {@code before}, at most {@code max} of them, longest owed first: a
     * subscriber whose sweep keeps failing is put off ({@link #postponed}), so it cannot hold the places of the others.
     */
    public List<UUID> overdue(Instant before, int max) {
        return em.createNativeQuery("SELECT subscriber_id FROM sweep_owed WHERE due_at < ?1 GROUP BY subscriber_id "
                + "ORDER BY MIN(due_at), subscriber_id", UUID.class)
                .setParameter(1, before.atOffset(ZoneOffset.UTC)).setMaxResults(max).getResultList().stream()
                .map(UUID.class::cast).toList();
    }

    /**
     * Puts off to {@code until} the subscriber's sweeps owed that were due up to {@code upTo}: a recovery that could
     * not make them tries again later, not at every run.
     */
    public int postponed(UUID subscriber, Instant upTo, Instant until) {
        return em.createNativeQuery("UPDATE sweep_owed SET due_at = ?3 WHERE subscriber_id = ?1 AND due_at <= ?2")
                .setParameter(1, subscriber).setParameter(2, upTo.atOffset(ZoneOffset.UTC))
                .setParameter(3, until.atOffset(ZoneOffset.UTC)).executeUpdate();
    }
}
