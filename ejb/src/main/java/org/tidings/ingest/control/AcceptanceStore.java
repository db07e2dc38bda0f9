package org.tidings.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.tidings.ingest.entity.AcceptanceKey;
import org.tidings.ingest.entity.Claim;

/**
 * The record of accepted events ({@code accepted_event}, docs/adr/0019). Claims and releases are plain JDBC on the
 * caller's connection, in whatever transaction state the caller holds it: on the event path that is autocommit, one
 * commit per statement and nothing else around it (no JPA session, no JTA transaction: {@code Acceptances}). Pruning
 * goes through the caller's JPA transaction. Plain SQL that H2 and PostgreSQL both run; the insert does not fail
 * when the row exists (it inserts only where none is). Two claims inserting the same key at the same time can still
 * both find none: the second then fails on the primary key, and its caller tries again.
 */
@ApplicationScoped
public class AcceptanceStore {

    /** Rows deleted per pruning statement at most. */
    public static final int PRUNE_BATCH = 1000;

    /** Parameters: key, time, claimant (may be null), key. */
    static final String INSERT = "INSERT INTO accepted_event (event_key, accepted_at, claimant) "
            + "SELECT ?, CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR(200)) "
            + "WHERE NOT EXISTS (SELECT 1 FROM accepted_event WHERE event_key = ?)";
    /**
     * Takes over a record that is older than the window, or that the same message made (a redelivery). Parameters:
     * time, claimant, key, window start, claimant.
     */
    static final String RECLAIM = "UPDATE accepted_event SET accepted_at = ?, claimant = ? "
            + "WHERE event_key = ? AND (accepted_at < ? OR claimant = ?)";
    /** The same for a message without an id, which never takes a record as its own. Parameters: time, key, start. */
    static final String RECLAIM_NO_ID = "UPDATE accepted_event SET accepted_at = ?, claimant = NULL "
            + "WHERE event_key = ? AND accepted_at < ?";
    static final String RELEASE = "DELETE FROM accepted_event WHERE event_key = ? AND claimant = ?";
    static final String RELEASE_NO_ID = "DELETE FROM accepted_event WHERE event_key = ? AND claimant IS NULL";
    static final String PRUNE = "DELETE FROM accepted_event WHERE event_key IN (SELECT event_key FROM accepted_event "
            + "WHERE accepted_at < ?1 ORDER BY accepted_at FETCH FIRST " + PRUNE_BATCH + " ROWS ONLY)";

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    /**
     * Claims the event for the message {@code claimant} (its id, or null if it has none) at {@code now}, on
     * {@code db}; a record from before {@code windowStart} is out of the window and taken over.
     */
    public Claim claimed(Connection db, AcceptanceKey key, String claimant, boolean redelivered, Instant now,
            Instant windowStart) throws SQLException {
        byte[] bytes = key.bytes();
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        if (inserted(db, bytes, claimant, at)) {
            return Claim.CLAIMED;
        }
        OffsetDateTime start = windowStart.atOffset(ZoneOffset.UTC);
        int reclaimed;
        if (claimant == null) {
            try (PreparedStatement reclaim = db.prepareStatement(RECLAIM_NO_ID)) {
                reclaim.setObject(1, at);
                reclaim.setBytes(2, bytes);
                reclaim.setObject(3, start);
                reclaimed = reclaim.executeUpdate();
            }
        } else {
            try (PreparedStatement reclaim = db.prepareStatement(RECLAIM)) {
                reclaim.setObject(1, at);
                reclaim.setString(2, claimant);
                reclaim.setBytes(3, bytes);
                reclaim.setObject(4, start);
                reclaim.setString(5, claimant);
                reclaimed = reclaim.executeUpdate();
            }
        }
        if (reclaimed == 1 || inserted(db, bytes, claimant, at)) { // not there any more: pruned in between
            return Claim.CLAIMED;
        }
        return claimant == null && redelivered ? Claim.REDELIVERED : Claim.DUPLICATE;
    }

    /** Deletes the claimant's record on {@code db}, so that the event can be claimed afresh; whether there was one. */
    public boolean released(Connection db, AcceptanceKey key, String claimant) throws SQLException {
        try (PreparedStatement delete = db.prepareStatement(claimant == null ? RELEASE_NO_ID : RELEASE)) {
            delete.setBytes(1, key.bytes());
            if (claimant != null) {
                delete.setString(2, claimant);
            }
            return delete.executeUpdate() == 1;
        }
    }

    /** Deletes up to {@value #PRUNE_BATCH} records older than {@code before}, oldest first; how many. */
    public int pruned(Instant before) {
        return em.createNativeQuery(PRUNE).setParameter(1, before.atOffset(ZoneOffset.UTC)).executeUpdate();
    }

    private static boolean inserted(Connection db, byte[] key, String claimant, OffsetDateTime at)
            throws SQLException {
        try (PreparedStatement insert = db.prepareStatement(INSERT)) {
            insert.setBytes(1, key);
            insert.setObject(2, at);
            if (claimant == null) {
                insert.setNull(3, Types.VARCHAR);
            } else {
                insert.setString(3, claimant);
            }
            insert.setBytes(4, key);
            return insert.executeUpdate() == 1;
        }
    }
}
