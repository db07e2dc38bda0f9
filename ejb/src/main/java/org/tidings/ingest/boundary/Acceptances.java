package org.tidings.ingest.boundary;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.ingest.control.AcceptanceStore;
import org.tidings.ingest.entity.Acceptance;
import org.tidings.ingest.entity.AcceptanceKey;
import org.tidings.ingest.entity.Claim;
import org.tidings.ingest.entity.Dispatched;
import org.tidings.ingest.entity.Provenance;
import org.tidings.platform.Resources;

/**
 * The duplicate window on the consuming side (docs/adr/0019): before an event is forwarded, its (source, id) is
 * claimed in the database, committed before the forward. Committing first is what makes a crash harmless: the broker
 * redelivers the message, and the same message finds its own claim. A claim left by a failed forward is released, so
 * that the event can be claimed again. The event path has no JTA transaction (docs/adr/0007), and a claim needs none:
 * each of its statements is a conditional insert or update that stands alone, so it runs them in autocommit on a
 * pooled connection, without a JPA session (which cost as much CPU as half the claim, bench/README.md). An event
 * with JMS notifications is claimed in one local transaction on that connection that also gives them their sequence
 * numbers and records them with the claim (docs/adr/0015), still one commit.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Acceptances {

    /** Tries of a claim: a try that lost a race to insert the same key fails, and the next finds the winner's row. */
    static final int TRIES = 3;

    private static final Logger LOG = Logger.getLogger(Acceptances.class.getName());

    @Inject
    AcceptanceStore store;

    @Resource(lookup = Resources.DATA_SOURCE)
    DataSource database;

    @Inject
    @ConfigProperty(name = "tidings.dedup.window", defaultValue = "PT24H")
    Duration window;

    /** False only to measure what security costs (bench/e2e secured_ratio): then no event is claimed. */
    @Inject
    @ConfigProperty(name = "tidings.security.enabled", defaultValue = "true")
    boolean enforced = true;

    private final Clock clock = Clock.systemUTC();

    /**
     * Claims the event for the message it came in, and gives its notifications to {@code numbered} (subscription ids)
     * their sequence numbers in the same transaction (docs/adr/0015); throws if the database cannot say (the message
     * is redelivered).
     */
    public Acceptance claim(AcceptanceKey key, Provenance from, Collection<UUID> numbered) {
        return claim(key, from, numbered, Dispatched.NONE);
    }

    /**
     * {@link #claim}, and records with the claim the notifications its forward sends to the deliveries queue, so that
     * the event's delivery state lists them before the dispatcher records them (docs/adr/0012).
     */
    public Acceptance claim(AcceptanceKey key, Provenance from, Collection<UUID> numbered, Dispatched dispatched) {
        if (!enforced) {
            return new Acceptance(Claim.CLAIMED, unrecorded(key, numbered), false);
        }
        String claimant = AcceptanceKey.claimant(from.messageId());
        for (int i = 1; ; i++) {
            Instant now = clock.instant();
            try {
                return claimedOnce(key, claimant, from.redelivered(), now, now.minus(window), numbered, dispatched);
            } catch (SQLException e) {
                if (i == TRIES || !retryable(claimant, e)) {
                    throw new IllegalStateException("event " + key + " could not be claimed (try " + i + " of "
                            + TRIES + "): " + e.getMessage(), e);
                }
                LOG.fine(() -> "claim of event " + key + " failed, tried again: " + e);
            }
        }
    }

    /**
     * The event's record in the duplicate window (docs/adr/0019), or null if it has none: never accepted, accepted
     * longer ago than the window and pruned since, or accepted while the window was off.
     */
    public AcceptanceStore.Recorded recorded(AcceptanceKey key) {
        try (Connection db = autocommitting()) {
            return AcceptanceStore.recorded(db, key);
        } catch (SQLException e) {
            throw new IllegalStateException("the record of event " + key + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Numbers without a record, when the duplicate window is off (only to measure what security costs): a message
     * redelivered after a crash gets new numbers, so a subscription's numbers may have gaps.
     */
    private Map<UUID, Long> unrecorded(AcceptanceKey key, Collection<UUID> numbered) {
        if (numbered.isEmpty()) {
            return Map.of();
        }
        for (int i = 1; ; i++) {
            try (Connection db = database.getConnection()) {
                Map<UUID, Long> numbers = new HashMap<>();
                boolean autocommit = db.getAutoCommit();
                db.setAutoCommit(false);
                try {
                    for (UUID subscription : new TreeSet<>(numbered)) {
                        numbers.put(subscription, AcceptanceStore.next(db, subscription));
                    }
                    db.commit();
                    return numbers;
                } catch (SQLException | RuntimeException e) {
                    rolledBack(db, e);
                    throw e;
                } finally {
                    db.setAutoCommit(autocommit);
                }
            } catch (SQLException e) {
                if (i == TRIES) {
                    throw new IllegalStateException("event " + key + " could not be numbered: " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Whether a failed try may be tried again at once. A message with an id always: a try whose statement committed
     * before its answer was lost finds its own claim. A message without one cannot tell its own claim from another's,
     * so only a failure that shows nothing was committed (an integrity violation such as a lost race on the key, or a
     * transaction rolled back) is tried again; any other (a connection lost during a statement, whose autocommit may
     * have happened) fails the delivery, and the broker redelivers the message marked redelivered, which an id-less
     * claim takes as its own (docs/adr/0019). A claim that numbers in one transaction committed nothing if it failed
     * before its commit ({@link NothingCommitted}, e.g. a lock wait that timed out): tried again whatever the message.
     */
    static boolean retryable(String claimant, SQLException failure) {
        if (claimant != null || failure instanceof NothingCommitted) {
            return true;
        }
        String state = failure.getSQLState();
        return state != null && (state.startsWith("23") || state.startsWith("40"));
    }

    /**
     * One try. Without anything to number each statement commits on its own; with, the claim and the numbers commit
     * together. Throws if it failed (a race on the key, or the database), having rolled back what it did.
     */
    Acceptance claimedOnce(AcceptanceKey key, String claimant, boolean redelivered, Instant now, Instant windowStart,
            Collection<UUID> numbered, Dispatched dispatched) throws SQLException {
        try (Connection db = autocommitting()) {
            if (numbered.isEmpty()) {
                return Acceptance.of(store.claimed(db, key, claimant, redelivered, now, windowStart, dispatched));
            }
            db.setAutoCommit(false);
            boolean open = true; // a transaction that may hold uncommitted work
            try {
                Acceptance acceptance;
                try {
                    acceptance = numberedClaim(db, key, claimant, redelivered, now, windowStart, numbered,
                            dispatched);
                } catch (SQLException | RuntimeException e) {
                    open = !rolledBack(db, e);
                    if (open) {
                        throw e; // not known to be rolled back: retried only as any failure is
                    }
                    throw new NothingCommitted(e);
                }
                try {
                    db.commit();
                    open = false;
                } catch (SQLException e) {
                    open = !rolledBack(db, e);
                    throw e; // the commit's outcome is not known
                }
                return acceptance;
            } finally {
                if (!open) {
                    // Setting autocommit back on commits an open transaction, so only once none is open; a
                    // connection whose rollback failed is left as it is (broken, as far as is known).
                    try {
                        db.setAutoCommit(true);
                    } catch (SQLException e) {
                        LOG.fine(() -> "autocommit not set back on a claim's connection: " + e);
                    }
                }
            }
        }
    }

    /**
     * The claim and its numbers, in the transaction open on {@code db} (the caller commits, or rolls back if this
     * throws). First the numbers, then the record with them ({@link AcceptanceStore#claimedAfresh}); if the event has
     * a record, that is given back and the claim is decided from the record. A redelivered message most likely finds
     * its own record, so it looks there first, and claims afresh only if there is none (its first claim never
     * committed).
     */
    private Acceptance numberedClaim(Connection db, AcceptanceKey key, String claimant, boolean redelivered,
            Instant now, Instant windowStart, Collection<UUID> numbered, Dispatched dispatched) throws SQLException {
        if (redelivered) {
            Claim own = store.reclaimed(db, key, claimant, true, now, windowStart, dispatched);
            if (own != null) {
                return withNumbers(db, key, own, numbered);
            }
        }
        Map<UUID, Long> fresh = store.claimedAfresh(db, key, claimant, now, numbered, dispatched);
        if (fresh != null) {
            return new Acceptance(Claim.CLAIMED, fresh, true);
        }
        if (redelivered) { // a record made since it found none: the next try sees it
            throw new SQLException("the record of event " + key + " was made during its claim");
        }
        givenBack(db);
        Claim claim = store.reclaimed(db, key, claimant, false, now, windowStart, dispatched);
        if (claim == null) { // pruned since the first try found it: the next try claims the event afresh
            throw new SQLException("the record of event " + key + " was pruned during its claim");
        }
        return withNumbers(db, key, claim, numbered);
    }

    private Acceptance withNumbers(Connection db, AcceptanceKey key, Claim claim, Collection<UUID> numbered)
            throws SQLException {
        return claim.forward() ? new Acceptance(claim, store.numbered(db, key, numbered), true) : Acceptance.of(claim);
    }

    /**
     * Rolls back a first try that found the event's record, which gives its numbers back. Nothing of the claim was
     * written (the insert found the record), so if the rollback fails the try committed nothing that a later try
     * could mistake for its own: {@link NothingCommitted}, tried again. What stays open is the counters' increments;
     * if the pool's reset of the connection commits them, those numbers are a gap (docs/adr/0019, "Limits").
     */
    private static void givenBack(Connection db) throws NothingCommitted {
        try {
            db.rollback();
        } catch (SQLException e) {
            throw new NothingCommitted(e);
        }
    }

    /** Rolls back; whether that worked (if not, the failure is added to {@code failure}). */
    private static boolean rolledBack(Connection db, Exception failure) {
        try {
            db.rollback();
            return true;
        } catch (SQLException rollbackFailed) {
            failure.addSuppressed(rollbackFailed);
            return false;
        }
    }

    /** A failure before a transaction's commit, rolled back: nothing of it was committed, so it may be tried again. */
    static final class NothingCommitted extends SQLException {
        private static final long serialVersionUID = 1L;

        NothingCommitted(Exception cause) {
            super(cause.getMessage(), cause instanceof SQLException sql ? sql.getSQLState() : null, cause);
        }
    }

    /**
     * Lets the event be claimed afresh after this message failed to forward it, by any message, with the numbers it
     * was given. Best effort: if the release fails too, the claim stays and the message's redelivery finds it as its
     * own.
     */
    public void release(AcceptanceKey key, Provenance from) {
        try (Connection db = autocommitting()) {
            store.released(db, key, AcceptanceKey.claimant(from.messageId()));
        } catch (SQLException e) {
            LOG.warning(() -> "claim of event " + key + " not released after a failed forward: " + e);
        }
    }

    /** A pooled connection outside any transaction (this bean never has one), each statement its own commit. */
    private Connection autocommitting() throws SQLException {
        Connection db = database.getConnection();
        try {
            if (!db.getAutoCommit()) {
                db.setAutoCommit(true);
            }
            return db;
        } catch (SQLException e) {
            db.close();
            throw e;
        }
    }
}
