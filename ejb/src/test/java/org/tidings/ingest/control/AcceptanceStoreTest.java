package org.tidings.ingest.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tidings.ingest.entity.AcceptanceKey;
import org.tidings.ingest.entity.Claim;
import org.tidings.ingest.entity.Dispatched;
import org.tidings.platform.TestDatabase;

/** The duplicate window's record on H2 with the real schema: who may forward an event, and pruning. */
class AcceptanceStoreTest {

    private static final Duration WINDOW = Duration.ofHours(24);
    private static final AcceptanceKey KEY = AcceptanceKey.of("https://mail.example.com/store", "42");
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static final UUID WEBHOOK = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID PULL = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    private static final UUID JMS = UUID.fromString("00000000-0000-0000-0000-00000000000c");

    private final TestDatabase database = TestDatabase.migrated("accepted");
    private final SessionFactory sessions = database.sessions();

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void theFirstMessageClaimsAnotherWithinTheWindowIsADuplicate() throws SQLException {
        assertThat(claim(KEY, "ID:first", false, NOW)).isEqualTo(Claim.CLAIMED);
        assertThat(claim(KEY, "ID:second", false, NOW.plusSeconds(60))).isEqualTo(Claim.DUPLICATE);
        assertThat(claim(KEY, "ID:third", true, NOW.plus(WINDOW).minusSeconds(1))).isEqualTo(Claim.DUPLICATE);
        assertThat(claim(AcceptanceKey.of("https://mail.example.com/other", "42"), "ID:fourth", false, NOW))
                .isEqualTo(Claim.CLAIMED);
    }

    @Test
    void theClaimingMessageRedeliveredClaimsAgain() throws SQLException {
        assertThat(claim(KEY, "ID:first", false, NOW)).isEqualTo(Claim.CLAIMED);
        assertThat(claim(KEY, "ID:first", true, NOW.plusSeconds(5))).isEqualTo(Claim.CLAIMED);
        assertThat(claim(KEY, "ID:second", false, NOW.plusSeconds(6))).isEqualTo(Claim.DUPLICATE);
    }

    @Test
    void aRecordOlderThanTheWindowIsTakenOver() throws SQLException {
        assertThat(claim(KEY, "ID:first", false, NOW)).isEqualTo(Claim.CLAIMED);
        Instant later = NOW.plus(WINDOW).plusSeconds(1);
        assertThat(claim(KEY, "ID:second", false, later)).isEqualTo(Claim.CLAIMED);
        // the window now runs from the second acceptance
        assertThat(claim(KEY, "ID:first", true, later.plusSeconds(1))).isEqualTo(Claim.DUPLICATE);
    }

    @Test
    void aMessageWithoutAnIdIsTakenForItsOwnClaimOnlyIfRedelivered() throws SQLException {
        assertThat(claim(KEY, null, false, NOW)).isEqualTo(Claim.CLAIMED);
        assertThat(claim(KEY, null, false, NOW.plusSeconds(1))).isEqualTo(Claim.DUPLICATE);
        assertThat(claim(KEY, null, true, NOW.plusSeconds(2))).isEqualTo(Claim.REDELIVERED);
        assertThat(claim(KEY, "ID:other", true, NOW.plusSeconds(3))).isEqualTo(Claim.DUPLICATE);
        assertThat(claim(KEY, null, false, NOW.plus(WINDOW).plusSeconds(1))).isEqualTo(Claim.CLAIMED);
    }

    @Test
    void aReleasedClaimLetsAnotherMessageClaim() throws SQLException {
        assertThat(claim(KEY, "ID:first", false, NOW)).isEqualTo(Claim.CLAIMED);
        assertThat(released(KEY, "ID:other")).isFalse();
        assertThat(released(KEY, "ID:first")).isTrue();
        assertThat(claim(KEY, "ID:second", false, NOW.plusSeconds(1))).isEqualTo(Claim.CLAIMED);

        var idless = AcceptanceKey.of("urn:stomp", "7");
        assertThat(claim(idless, null, false, NOW)).isEqualTo(Claim.CLAIMED);
        assertThat(released(idless, null)).isTrue();
        assertThat(claim(idless, null, false, NOW)).isEqualTo(Claim.CLAIMED);
    }

    /**
     * Two transactions claiming one event at once: the second, if it comes before the first commits, waits for the
     * first's row and then fails on the primary key, which its caller answers by trying again
     * ({@code Acceptances.claim}); if it comes after, it finds the row. Either way the next try finds a duplicate,
     * and there is never a second claim.
     */
    @Test
    void aClaimRacingAnUncommittedOneIsNeverASecondClaim() throws Exception {
        var executor = Executors.newSingleThreadExecutor();
        try (Connection first = database.connection()) {
            first.setAutoCommit(false);
            assertThat(new AcceptanceStore().claimed(first, KEY, "ID:first", false, NOW, NOW.minus(WINDOW)))
                    .isEqualTo(Claim.CLAIMED);

            Future<Claim> second = executor.submit(() -> {
                try {
                    return claim(KEY, "ID:second", false, NOW);
                } catch (SQLException lostTheRace) {
                    return null;
                }
            });
            first.commit();

            Claim raced = second.get(20, TimeUnit.SECONDS);
            assertThat(raced).isIn(Claim.DUPLICATE, null);
            assertThat(claim(KEY, "ID:second", false, NOW)).isEqualTo(Claim.DUPLICATE);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void pruningDeletesOnlyRecordsOlderThanTheWindowOldestFirstInBatches() throws SQLException {
        Instant cutoff = NOW.minus(WINDOW);
        insertRows("old", cutoff.minusSeconds(3600), AcceptanceStore.PRUNE_BATCH + 5);
        insertRows("recent", cutoff.plusSeconds(1), 10);

        assertThat(pruned(cutoff)).isEqualTo(AcceptanceStore.PRUNE_BATCH);
        assertThat(pruned(cutoff)).isEqualTo(5);
        assertThat(pruned(cutoff)).isZero();
        assertThat(count()).isEqualTo(10);
    }

    @Test
    void pruningReadsTheOldRecordsNotTheRecentOnes() throws SQLException {
        Instant cutoff = NOW.minus(WINDOW);
        insertRows("recent", NOW.minusSeconds(60), 10_000);
        insertRows("old", cutoff.minusSeconds(60), 3);

        long read = database.rowsRead(AcceptanceStore.PRUNE.replace("?1", "?"),
                (statement, i, left) -> statement.setObject(i, cutoff.atOffset(ZoneOffset.UTC)));

        assertThat(read).isBetween(3L, 99L); // the 3 old rows and their keys, not the 10,000 recent ones
        assertThat(count()).isEqualTo(10_000); // EXPLAIN ANALYZE ran the delete
    }

    /**
     * The takeover that follows a first try which found the record inserts nothing: for a record gone meanwhile it
     * says so (null), and the next try claims the event afresh; a record of another message within the window is a
     * duplicate.
     */
    @Test
    void aTakeoverInsertsNothingAndSaysWhenTheRecordIsGone() throws SQLException {
        try (Connection db = database.connection()) {
            assertThat(new AcceptanceStore().reclaimed(db, KEY, "ID:first", false, NOW, NOW.minus(WINDOW))).isNull();
            assertThat(new AcceptanceStore().reclaimed(db, KEY, null, true, NOW, NOW.minus(WINDOW))).isNull();
        }
        assertThat(count()).isZero();
        assertThat(claim(KEY, "ID:first", false, NOW)).isEqualTo(Claim.CLAIMED);
        try (Connection db = database.connection()) {
            assertThat(new AcceptanceStore().reclaimed(db, KEY, "ID:second", false, NOW, NOW.minus(WINDOW)))
                    .isEqualTo(Claim.DUPLICATE);
            assertThat(new AcceptanceStore().reclaimed(db, KEY, "ID:first", true, NOW, NOW.minus(WINDOW)))
                    .as("its own message's record").isEqualTo(Claim.CLAIMED);
        }
        assertThat(count()).isEqualTo(1);
    }

    /**
     * The notifications for the deliveries queue are those of the claim that holds the record: written by the claim
     * that inserts it, replaced by one that takes it over (a redelivery, a claim after a release or after the
     * window), untouched by a duplicate; the numbered path (claimedAfresh, reclaimed) writes them the same way.
     */
    @Test
    void theRecordKeepsTheNotificationsForTheDeliveriesQueueOfTheClaimThatHoldsIt() throws SQLException {
        var first = Dispatched.of("HTTPS://Mail.Example.com/store", List.of(WEBHOOK));
        var second = Dispatched.of("https://mail.example.com/store", List.of(WEBHOOK, PULL));
        try (Connection db = database.connection()) {
            var store = new AcceptanceStore();
            assertThat(store.claimed(db, KEY, "ID:first", false, NOW, NOW.minus(WINDOW), first))
                    .isEqualTo(Claim.CLAIMED);
            assertThat(AcceptanceStore.recorded(db, KEY).dispatched()).isEqualTo(first);
            assertThat(store.claimed(db, KEY, "ID:second", false, NOW, NOW.minus(WINDOW), second))
                    .isEqualTo(Claim.DUPLICATE);
            assertThat(AcceptanceStore.recorded(db, KEY).dispatched()).isEqualTo(first);
            assertThat(store.released(db, KEY, "ID:first")).isTrue();
            assertThat(store.claimed(db, KEY, "ID:second", false, NOW, NOW.minus(WINDOW), second))
                    .isEqualTo(Claim.CLAIMED);
            assertThat(AcceptanceStore.recorded(db, KEY).dispatched()).isEqualTo(second);
            assertThat(store.claimed(db, KEY, "ID:second", true, NOW, NOW.minus(WINDOW), Dispatched.NONE))
                    .as("its redelivery, matched by none now").isEqualTo(Claim.CLAIMED);
            assertThat(AcceptanceStore.recorded(db, KEY).dispatched()).isEqualTo(Dispatched.NONE);

            var idless = AcceptanceKey.of("urn:stomp", "7");
            assertThat(store.claimed(db, idless, null, false, NOW, NOW.minus(WINDOW), first)).isEqualTo(Claim.CLAIMED);
            assertThat(store.claimed(db, idless, null, true, NOW, NOW.minus(WINDOW), second))
                    .as("taken for its own, not taken over").isEqualTo(Claim.REDELIVERED);
            assertThat(AcceptanceStore.recorded(db, idless).dispatched()).isEqualTo(first);
            assertThat(store.released(db, idless, null)).isTrue();
            assertThat(store.claimed(db, idless, null, false, NOW, NOW.minus(WINDOW), second))
                    .isEqualTo(Claim.CLAIMED);
            assertThat(AcceptanceStore.recorded(db, idless).dispatched()).isEqualTo(second);

            var other = AcceptanceKey.of("https://mail.example.com/store", "43");
            assertThat(store.claimedAfresh(db, other, "ID:third", NOW, List.of(JMS), first)).containsKey(JMS);
            assertThat(AcceptanceStore.recorded(db, other).dispatched()).isEqualTo(first);
            assertThat(store.reclaimed(db, other, "ID:third", true, NOW, NOW.minus(WINDOW), second))
                    .isEqualTo(Claim.CLAIMED);
            assertThat(AcceptanceStore.recorded(db, other).dispatched()).isEqualTo(second);
            assertThat(AcceptanceStore.recorded(db, other).numbers()).containsEntry(JMS, 1L);
        }
    }

    /** A claim as the event path makes it: each statement in autocommit. */
    private Claim claim(AcceptanceKey key, String claimant, boolean redelivered, Instant now) throws SQLException {
        try (Connection db = database.connection()) {
            return new AcceptanceStore().claimed(db, key, claimant, redelivered, now, now.minus(WINDOW));
        }
    }

    private boolean released(AcceptanceKey key, String claimant) throws SQLException {
        try (Connection db = database.connection()) {
            return new AcceptanceStore().released(db, key, claimant);
        }
    }

    private int pruned(Instant before) {
        try (Session session = sessions.openSession()) {
            var store = new AcceptanceStore();
            store.em = session;
            session.beginTransaction();
            int deleted = store.pruned(before);
            session.getTransaction().commit();
            return deleted;
        }
    }

    private void insertRows(String name, Instant at, int count) throws SQLException {
        try (var db = database.connection();
                var insert = db.prepareStatement("INSERT INTO accepted_event (event_key, accepted_at, claimant) "
                        + "SELECT HASH('SHA-256', ? || X), ?, 'ID:' || X FROM SYSTEM_RANGE(1, ?)")) {
            insert.setString(1, name);
            insert.setObject(2, at.atOffset(ZoneOffset.UTC));
            insert.setInt(3, count);
            insert.executeUpdate();
        }
    }

    private long count() throws SQLException {
        try (var db = database.connection(); var rows = db.createStatement()
                .executeQuery("SELECT COUNT(*) FROM accepted_event")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
