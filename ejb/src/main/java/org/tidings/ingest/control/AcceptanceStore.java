package org.tidings.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.tidings.ingest.entity.AcceptanceKey;
import org.tidings.ingest.entity.Claim;
import org.tidings.ingest.entity.Dispatched;

/**
 * The record of accepted events ({@code accepted_event}, docs/adr/0019). Claims and releases are plain JDBC on the
 * caller's connection, in whatever transaction state the caller holds it: on the event path that is autocommit, one
 * commit per statement and nothing else around it (no JPA session, no JTA transaction: {@code Acceptances}). Pruning
 * goes through the caller's JPA transaction. Plain SQL that H2 and PostgreSQL both run; the insert does not fail
 * when the row exists (it inserts only where none is). Two claims inserting the same key at the same time can still
 * both find none: the second then fails on the primary key, and its caller tries again. An event with JMS
 * notifications is claimed in a transaction that also gives them their sequence numbers ({@link #numbered}).
 */
@ApplicationScoped
public class AcceptanceStore {

    /** Rows deleted per pruning statement at most. */
    public static final int PRUNE_BATCH = 1000;

    /**
     * Parameters: key, time, claimant (may be null), numbers, dispatched, key. Numbers: empty for an event whose claim
     * numbers nothing (it had no JMS matches), null for one that {@link #numbered} numbers in the same transaction.
     * Dispatched: the notifications the forward sends to the deliveries queue ({@link Dispatched}), or null.
     */
    static final String INSERT = "INSERT INTO accepted_event (event_key, accepted_at, claimant, numbers, dispatched) "
            + "SELECT ?, CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR(200)), CAST(? AS BYTEA), "
            + "CAST(? AS BYTEA) WHERE NOT EXISTS (SELECT 1 FROM accepted_event WHERE event_key = ?)";
    /**
     * Takes over a record that is older than the window, or that the same message made (a redelivery), or that was
     * released. The numbers its notifications were given stay with a record the same message made or one released
     * within the window (they were never sent, or are sent again); a record of another message's acceptance older
     * than the window loses them: this is a new acceptance, whose notifications get new numbers (its numbers are set
     * as a new record's). The notifications for the deliveries queue are those of the claim that takes it over: its
     * forward sends them (or, after a crash, the broker drops them as the ones it has). Parameters: claimant, window
     * start, numbers, dispatched, time, claimant, key, window start, claimant.
     */
    static final String RECLAIM = "UPDATE accepted_event SET numbers = CASE WHEN claimant = ? OR (released AND "
            + "accepted_at >= ?) THEN numbers ELSE CAST(? AS BYTEA) END, dispatched = CAST(? AS BYTEA), "
            + "accepted_at = ?, claimant = ?, released = FALSE "
            + "WHERE event_key = ? AND (accepted_at < ? OR claimant = ? OR released)";
    /**
     * The same for a message without an id, which never takes a record as its own (but keeps a released record's
     * numbers within the window). Parameters: start, numbers, dispatched, time, key, start.
     */
    static final String RECLAIM_NO_ID = "UPDATE accepted_event SET numbers = CASE WHEN released AND accepted_at >= ? "
            + "THEN numbers ELSE CAST(? AS BYTEA) END, dispatched = CAST(? AS BYTEA), "
            + "accepted_at = ?, claimant = NULL, released = FALSE WHERE event_key = ? AND (accepted_at < ? OR released)";
    /**
     * Gives the claim up, so that any message may claim the event again, but keeps the record and the numbers: a
     * later claim sends the same ones, and no number is skipped.
     */
    static final String RELEASE = "UPDATE accepted_event SET released = TRUE "
            + "WHERE event_key = ? AND claimant = ? AND NOT released";
    static final String RELEASE_NO_ID = "UPDATE accepted_event SET released = TRUE "
            + "WHERE event_key = ? AND claimant IS NULL AND NOT released";
    static final String EXISTS = "SELECT 1 FROM accepted_event WHERE event_key = ?";
    static final String RECORD = "SELECT accepted_at, released, numbers, dispatched FROM accepted_event "
            + "WHERE event_key = ?";
    static final String NUMBERS = "SELECT numbers FROM accepted_event WHERE event_key = ? FOR UPDATE";
    static final String NUMBERED = "UPDATE accepted_event SET numbers = ? WHERE event_key = ?";
    static final String NEXT = "UPDATE subscription_sequence SET last_seq = last_seq + 1 WHERE subscription_id = ?";
    /** The column {@link #NEXT} returns, as a generated key. */
    private static final String[] LAST_SEQ = {"last_seq"};
    static final String FIRST = "INSERT INTO subscription_sequence (subscription_id, last_seq, pruned_seq, acked_seq) "
            + "VALUES (?, 1, 0, 0)";
    /** Bytes per number in {@code accepted_event.numbers}: the subscription's id, then the number. */
    private static final int ENTRY = 24;
    /**
     * The outer condition on the age is checked again on the row as it is when the delete reaches it, so a record a
     * claim took over after the inner select chose it (PostgreSQL re-reads a row it waited for) is not deleted.
     */
    static final String PRUNE = "DELETE FROM accepted_event WHERE event_key IN (SELECT event_key FROM accepted_event "
            + "WHERE accepted_at < ?1 ORDER BY accepted_at FETCH FIRST " + PRUNE_BATCH + " ROWS ONLY) "
            + "AND accepted_at < ?1";

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    /**
     * Claims the event for the message {@code claimant} (its id, or null if it has none) at {@code now}, on
     * {@code db}; a record from before {@code windowStart} is out of the window and taken over. For an event without
     * JMS notifications to number: its record says it numbered nothing.
     */
    public Claim claimed(Connection db, AcceptanceKey key, String claimant, boolean redelivered, Instant now,
            Instant windowStart) throws SQLException {
        return claimed(db, key, claimant, redelivered, now, windowStart, Dispatched.NONE);
    }

    /** {@link #claimed}, recording {@code dispatched} with the claim (a claim that does not take the record, not). */
    public Claim claimed(Connection db, AcceptanceKey key, String claimant, boolean redelivered, Instant now,
            Instant windowStart, Dispatched dispatched) throws SQLException {
        byte[] bytes = key.bytes();
        byte[] numbers = new byte[0];
        byte[] sent = dispatched.encoded();
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        if (inserted(db, bytes, claimant, at, numbers, sent)
                || tookOver(db, bytes, claimant, at, windowStart.atOffset(ZoneOffset.UTC), numbers, sent)
                || inserted(db, bytes, claimant, at, numbers, sent)) { // not there any more: pruned in between
            return Claim.CLAIMED;
        }
        return notClaimed(claimant, redelivered);
    }

    /**
     * The claim of an event that has a record, for a claim that {@link #numbered} follows in the same transaction,
     * after {@link #claimedAfresh} found the record: takes it over as {@link #claimed} does (a new acceptance's
     * record is left unnumbered, null, for {@link #numbered}), or says the event is a duplicate; null if the record
     * is gone (pruned since): the caller then rolls back and tries again, and the next try claims the event afresh.
     * It inserts nothing, so it never holds an uncommitted record while {@link #numbered} waits for counters that
     * a first try of the same event holds, which waits for that record (docs/adr/0019, "Concurrency").
     */
    public Claim reclaimed(Connection db, AcceptanceKey key, String claimant, boolean redelivered, Instant now,
            Instant windowStart) throws SQLException {
        return reclaimed(db, key, claimant, redelivered, now, windowStart, Dispatched.NONE);
    }

    /** {@link #reclaimed}, recording {@code dispatched} with a claim that takes the record over. */
    public Claim reclaimed(Connection db, AcceptanceKey key, String claimant, boolean redelivered, Instant now,
            Instant windowStart, Dispatched dispatched) throws SQLException {
        byte[] bytes = key.bytes();
        if (tookOver(db, bytes, claimant, now.atOffset(ZoneOffset.UTC), windowStart.atOffset(ZoneOffset.UTC), null,
                dispatched.encoded())) {
            return Claim.CLAIMED;
        }
        try (PreparedStatement exists = db.prepareStatement(EXISTS)) {
            exists.setBytes(1, bytes);
            try (ResultSet row = exists.executeQuery()) {
                return row.next() ? notClaimed(claimant, redelivered) : null;
            }
        }
    }

    private static Claim notClaimed(String claimant, boolean redelivered) {
        return claimant == null && redelivered ? Claim.REDELIVERED : Claim.DUPLICATE;
    }

    /** Takes the record over where {@link #RECLAIM} (or {@link #RECLAIM_NO_ID}) may; whether it did. */
    private static boolean tookOver(Connection db, byte[] bytes, String claimant, OffsetDateTime at,
            OffsetDateTime start, byte[] numbers, byte[] dispatched) throws SQLException {
        if (claimant == null) {
            try (PreparedStatement reclaim = db.prepareStatement(RECLAIM_NO_ID)) {
                reclaim.setObject(1, start);
                setBytesOrNull(reclaim, 2, numbers);
                setBytesOrNull(reclaim, 3, dispatched);
                reclaim.setObject(4, at);
                reclaim.setBytes(5, bytes);
                reclaim.setObject(6, start);
                return reclaim.executeUpdate() == 1;
            }
        }
        try (PreparedStatement reclaim = db.prepareStatement(RECLAIM)) {
            reclaim.setString(1, claimant);
            reclaim.setObject(2, start);
            setBytesOrNull(reclaim, 3, numbers);
            setBytesOrNull(reclaim, 4, dispatched);
            reclaim.setObject(5, at);
            reclaim.setString(6, claimant);
            reclaim.setBytes(7, bytes);
            reclaim.setObject(8, start);
            reclaim.setString(9, claimant);
            return reclaim.executeUpdate() == 1;
        }
    }

    /**
     * The claim of an event that has no record yet, with the sequence numbers of its JMS notifications to
     * {@code subscriptions} (docs/adr/0019): each subscription's next number, in the order of their ids, then the
     * record with them, inserted only where there is none: two statements for one subscription (the record
     * first and the numbers after it took four, five before {@link #next} returned the counter's value). On
     * {@code db} in a transaction: if this returns the numbers, the caller commits; if it returns null the event has
     * a record, and the caller rolls back, which gives the numbers back, and decides the claim from the record
     * ({@link #reclaimed}, then {@link #numbered}). Locks: the counters, then the record's key. A try meets a key
     * locked only when another transaction's insert of it is uncommitted, and only a first try, which took its own
     * counters before and waits for nothing after, inserts a record for numbers.
     */
    public Map<UUID, Long> claimedAfresh(Connection db, AcceptanceKey key, String claimant, Instant now,
            Collection<UUID> subscriptions) throws SQLException {
        return claimedAfresh(db, key, claimant, now, subscriptions, Dispatched.NONE);
    }

    /** {@link #claimedAfresh}, recording {@code dispatched} with the claim. */
    public Map<UUID, Long> claimedAfresh(Connection db, AcceptanceKey key, String claimant, Instant now,
            Collection<UUID> subscriptions, Dispatched dispatched) throws SQLException {
        Map<UUID, Long> numbers = new HashMap<>();
        for (UUID subscription : new TreeSet<>(subscriptions)) {
            numbers.put(subscription, next(db, subscription));
        }
        return inserted(db, key.bytes(), claimant, now.atOffset(ZoneOffset.UTC), encoded(numbers),
                dispatched.encoded()) ? numbers : null;
    }

    /**
     * The sequence numbers of the event's JMS notifications, on {@code db} in the transaction that just claimed the
     * event (and so holds its record, or, for a message without an id taken as redelivered, found it; the record is
     * read with a write lock either way): the numbers its record holds (from this message before a crash, or from a
     * message whose claim was released), and for each subscription of {@code subscriptions} without one, its next
     * number, taken in the order of the subscriptions' ids, so that two such transactions never wait for each other
     * in a circle, and added to the record. Numbers of subscriptions no longer matched stay recorded. The caller
     * commits; if it rolls back instead, no number was used.
     */
    public Map<UUID, Long> numbered(Connection db, AcceptanceKey key, Collection<UUID> subscriptions)
            throws SQLException {
        byte[] bytes = key.bytes();
        Map<UUID, Long> numbers;
        try (PreparedStatement read = db.prepareStatement(NUMBERS)) {
            read.setBytes(1, bytes);
            try (ResultSet row = read.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("the record of event " + key + " is gone (pruned since the claim)");
                }
                numbers = decoded(row.getBytes(1));
            }
        }
        boolean added = false;
        for (UUID subscription : new TreeSet<>(subscriptions)) {
            if (!numbers.containsKey(subscription)) {
                numbers.put(subscription, next(db, subscription));
                added = true;
            }
        }
        if (added) {
            try (PreparedStatement write = db.prepareStatement(NUMBERED)) {
                write.setBytes(1, encoded(numbers));
                write.setBytes(2, bytes);
                if (write.executeUpdate() != 1) {
                    throw new SQLException("the record of event " + key + " is gone (pruned since the claim)");
                }
            }
        }
        return numbers;
    }

    /**
     * The subscription's next sequence number, on {@code db}, whose transaction holds the counter's row lock until it
     * ends: the number is used only if it commits. A subscription that never had a number gets its counter here;
     * if another transaction creates it at the same time, one of them fails on the primary key and is tried again.
     */
    public static long next(Connection db, UUID subscription) throws SQLException {
        // The updated value comes back as a generated key: H2 returns the named columns of the rows an UPDATE
        // changed, as they are after it (CommandContainer.executeUpdateWithGeneratedKeys), and PostgreSQL's driver
        // adds RETURNING to the statement. One statement instead of the update and a select.
        try (PreparedStatement next = db.prepareStatement(NEXT, LAST_SEQ)) {
            next.setObject(1, subscription);
            if (next.executeUpdate() == 0) {
                try (PreparedStatement first = db.prepareStatement(FIRST)) {
                    first.setObject(1, subscription);
                    first.executeUpdate();
                    return 1;
                }
            }
            try (ResultSet row = next.getGeneratedKeys()) {
                if (!row.next()) {
                    throw new SQLException("the counter of subscription " + subscription + " was updated, but the "
                            + "database returned no value");
                }
                return row.getLong(1);
            }
        }
    }

    /** Sets a {@code BYTEA} parameter, which may be null. */
    private static void setBytesOrNull(PreparedStatement statement, int index, byte[] value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARBINARY);
        } else {
            statement.setBytes(index, value);
        }
    }

    static Map<UUID, Long> decoded(byte[] bytes) {
        Map<UUID, Long> numbers = new HashMap<>();
        if (bytes != null) {
            ByteBuffer entries = ByteBuffer.wrap(bytes);
            while (entries.remaining() >= ENTRY) {
                numbers.put(new UUID(entries.getLong(), entries.getLong()), entries.getLong());
            }
        }
        return numbers;
    }

    static byte[] encoded(Map<UUID, Long> numbers) {
        ByteBuffer entries = ByteBuffer.allocate(numbers.size() * ENTRY);
        numbers.forEach((subscription, number) -> entries.putLong(subscription.getMostSignificantBits())
                .putLong(subscription.getLeastSignificantBits()).putLong(number));
        return entries.array();
    }

    /**
     * Releases the claimant's claim on {@code db}, so that the event can be claimed afresh (keeping its numbers);
     * whether there was one.
     */
    public boolean released(Connection db, AcceptanceKey key, String claimant) throws SQLException {
        try (PreparedStatement delete = db.prepareStatement(claimant == null ? RELEASE_NO_ID : RELEASE)) {
            delete.setBytes(1, key.bytes());
            if (claimant != null) {
                delete.setString(2, claimant);
            }
            return delete.executeUpdate() == 1;
        }
    }

    /**
     * An event's record as it stands: when it was last claimed, whether that claim was released after a failed
     * forward, the numbers of its JMS notifications, and the notifications its forward sends to the deliveries queue.
     * Null if there is none (never accepted, or pruned).
     */
    public record Recorded(Instant claimedAt, boolean released, Map<UUID, Long> numbers, Dispatched dispatched) {
    }

    public static Recorded recorded(Connection db, AcceptanceKey key) throws SQLException {
        try (PreparedStatement read = db.prepareStatement(RECORD)) {
            read.setBytes(1, key.bytes());
            try (ResultSet row = read.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                return new Recorded(row.getObject(1, OffsetDateTime.class).toInstant(), row.getBoolean(2),
                        decoded(row.getBytes(3)), Dispatched.decoded(row.getBytes(4)));
            }
        }
    }

    /** Deletes up to {@value #PRUNE_BATCH} records older than {@code before}, oldest first; how many. */
    public int pruned(Instant before) {
        return em.createNativeQuery(PRUNE).setParameter(1, before.atOffset(ZoneOffset.UTC)).executeUpdate();
    }

    private static boolean inserted(Connection db, byte[] key, String claimant, OffsetDateTime at, byte[] numbers,
            byte[] dispatched) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement(INSERT)) {
            insert.setBytes(1, key);
            insert.setObject(2, at);
            if (claimant == null) {
                insert.setNull(3, Types.VARCHAR);
            } else {
                insert.setString(3, claimant);
            }
            setBytesOrNull(insert, 4, numbers);
            setBytesOrNull(insert, 5, dispatched);
            insert.setBytes(6, key);
            return insert.executeUpdate() == 1;
        }
    }
}
