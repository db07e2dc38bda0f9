package org.tidings.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.tidings.ingest.entity.AcceptanceKey;
import org.tidings.ingest.entity.Claim;

/**
 * The record of accepted events ({@code accepted_event}, docs/adr/0019), within the caller's transaction. Plain SQL
 * that H2 and PostgreSQL both run; the insert does not fail when the row exists (it inserts only where none is), so
 * a duplicate never marks the transaction for rollback. Two transactions inserting the same key at the same time can
 * still both find none: the second then fails on the primary key and its caller tries again.
 */
@ApplicationScoped
public class AcceptanceStore {

    /** Rows deleted per pruning statement at most. */
    public static final int PRUNE_BATCH = 1000;

    static final String INSERT = "INSERT INTO accepted_event (event_key, accepted_at, claimant) "
            + "SELECT ?1, CAST(?2 AS TIMESTAMP WITH TIME ZONE), CAST(?3 AS VARCHAR(200)) "
            + "WHERE NOT EXISTS (SELECT 1 FROM accepted_event WHERE event_key = ?1)";
    /** Takes over a record that is older than the window, or that the same message made (a redelivery). */
    static final String RECLAIM = "UPDATE accepted_event SET accepted_at = ?2, claimant = ?3 "
            + "WHERE event_key = ?1 AND (accepted_at < ?4 OR claimant = ?3)";
    /** The same two for a message without an id: no null is bound (PostgreSQL cannot type a bare null). */
    static final String INSERT_NO_ID = INSERT.replace("?3", "NULL");
    static final String RECLAIM_NO_ID = "UPDATE accepted_event SET accepted_at = ?2, claimant = NULL "
            + "WHERE event_key = ?1 AND accepted_at < ?3";
    static final String PRUNE = "DELETE FROM accepted_event WHERE event_key IN (SELECT event_key FROM accepted_event "
            + "WHERE accepted_at < ?1 ORDER BY accepted_at FETCH FIRST " + PRUNE_BATCH + " ROWS ONLY)";

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    /**
     * Claims the event for the message {@code claimant} (its id, or null if it has none) at {@code now}; a record from
     * before {@code windowStart} is out of the window and taken over.
     */
    public Claim claimed(AcceptanceKey key, String claimant, boolean redelivered, Instant now, Instant windowStart) {
        byte[] bytes = key.bytes();
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        if (inserted(bytes, claimant, at)) {
            return Claim.CLAIMED;
        }
        OffsetDateTime start = windowStart.atOffset(ZoneOffset.UTC);
        var reclaim = claimant == null
                ? em.createNativeQuery(RECLAIM_NO_ID).setParameter(3, start)
                : em.createNativeQuery(RECLAIM).setParameter(3, claimant).setParameter(4, start);
        int reclaimed = reclaim.setParameter(1, bytes).setParameter(2, at).executeUpdate();
        if (reclaimed == 1 || inserted(bytes, claimant, at)) { // not there any more: pruned in between
            return Claim.CLAIMED;
        }
        return claimant == null && redelivered ? Claim.REDELIVERED : Claim.DUPLICATE;
    }

    /** Deletes the claimant's record, so that the event can be claimed afresh; whether there was one. */
    public boolean released(AcceptanceKey key, String claimant) {
        var delete = claimant == null
                ? em.createNativeQuery("DELETE FROM accepted_event WHERE event_key = ?1 AND claimant IS NULL")
                : em.createNativeQuery("DELETE FROM accepted_event WHERE event_key = ?1 AND claimant = ?2")
                        .setParameter(2, claimant);
        return delete.setParameter(1, key.bytes()).executeUpdate() == 1;
    }

    /** Deletes up to {@value #PRUNE_BATCH} records older than {@code before}, oldest first; how many. */
    public int pruned(Instant before) {
        return em.createNativeQuery(PRUNE).setParameter(1, before.atOffset(ZoneOffset.UTC)).executeUpdate();
    }

    private boolean inserted(byte[] key, String claimant, OffsetDateTime at) {
        var insert = em.createNativeQuery(claimant == null ? INSERT_NO_ID : INSERT).setParameter(1, key)
                .setParameter(2, at);
        if (claimant != null) {
            insert.setParameter(3, claimant);
        }
        return insert.executeUpdate() == 1;
    }
}
