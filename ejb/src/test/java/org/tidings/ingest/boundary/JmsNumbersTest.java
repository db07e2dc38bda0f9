package org.tidings.ingest.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tidings.ingest.control.AcceptanceStore;
import org.tidings.ingest.entity.Acceptance;
import org.tidings.ingest.entity.AcceptanceKey;
import org.tidings.ingest.entity.Claim;
import org.tidings.ingest.entity.Provenance;
import org.tidings.platform.TestDatabase;

/**
 * Sequence numbers of JMS notifications (LEM-8, docs/adr/0015), taken with the duplicate window's claim in one
 * transaction on H2 with the real schema: gap-free and increasing per subscription, the same for the same event
 * whoever claims it again, none used by a claim that did not commit.
 */
class JmsNumbersTest {

    private static final UUID MAIL = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID CALENDAR = UUID.fromString("00000000-0000-0000-0000-00000000000b");

    private final TestDatabase database = TestDatabase.migrated("numbers");
    private final Acceptances acceptances = acceptances(true);

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void eachSubscriptionNumbersItsEventsFromOneWithoutGaps() {
        assertThat(claim("e1", "ID:1", MAIL, CALENDAR).numbers()).containsExactlyInAnyOrderEntriesOf(
                Map.of(MAIL, 1L, CALENDAR, 1L));
        assertThat(claim("e2", "ID:2", MAIL).numbers()).containsExactlyEntriesOf(Map.of(MAIL, 2L));
        assertThat(claim("e3", "ID:3", CALENDAR, MAIL).numbers()).containsExactlyInAnyOrderEntriesOf(
                Map.of(MAIL, 3L, CALENDAR, 2L));
        assertThat(claim("e4", "ID:4").numbers()).isEmpty();
    }

    @Test
    void theSameMessageRedeliveredSendsTheSameNumbersAndADuplicateNone() {
        assertThat(claim("e1", "ID:1", MAIL).numbers()).containsExactlyEntriesOf(Map.of(MAIL, 1L));

        Acceptance again = acceptances.claim(key("e1"), new Provenance("src", "ID:1", null, false, true), Set.of(MAIL));
        assertThat(again).isEqualTo(new Acceptance(Claim.CLAIMED, Map.of(MAIL, 1L), true));

        Acceptance duplicate = claim("e1", "ID:other", MAIL);
        assertThat(duplicate).isEqualTo(Acceptance.of(Claim.DUPLICATE));
        assertThat(claim("e2", "ID:2", MAIL).numbers()).containsExactlyEntriesOf(Map.of(MAIL, 2L));
    }

    /**
     * A forward that failed releases the claim; the message that claims the event next (another, here) sends the
     * numbers it was given, and a subscription it matches now that it did not then gets its next number, added to
     * the record (the forward sends that one on its own if the broker has the others, SinkQueues).
     */
    @Test
    void aReleasedClaimKeepsItsNumbersForWhoeverClaimsTheEventNext() {
        assertThat(claim("e1", "ID:1", MAIL).numbers()).containsExactlyEntriesOf(Map.of(MAIL, 1L));
        acceptances.release(key("e1"), new Provenance("src", "ID:1", null));
        assertThat(claim("e2", "ID:2", MAIL).numbers()).containsExactlyEntriesOf(Map.of(MAIL, 2L));

        Acceptance retried = claim("e1", "ID:retry", MAIL, CALENDAR);
        assertThat(retried).isEqualTo(new Acceptance(Claim.CLAIMED, Map.of(MAIL, 1L, CALENDAR, 1L), true));
        assertThat(claim("e1", "ID:third", MAIL)).isEqualTo(Acceptance.of(Claim.DUPLICATE));
        Acceptance redelivered = acceptances.claim(key("e1"), new Provenance("src", "ID:retry", null, false, true),
                List.of(MAIL, CALENDAR));
        assertThat(redelivered).as("the numbers added are recorded")
                .isEqualTo(new Acceptance(Claim.CLAIMED, Map.of(MAIL, 1L, CALENDAR, 1L), true));
        assertThat(claim("e3", "ID:3", CALENDAR, MAIL).numbers()).as("no number was taken twice")
                .containsExactlyInAnyOrderEntriesOf(Map.of(MAIL, 3L, CALENDAR, 2L));
    }

    /**
     * The record read back for propagation feedback (JmsDeliveries): the numbers of the claim that stands, then the
     * same numbers marked released once a failed forward gave the claim up, and again standing when it is claimed anew.
     */
    @Test
    void theRecordReadBackHoldsTheNumbersAndWhetherTheClaimStands() {
        assertThat(acceptances.recorded(key("e1"))).as("never accepted").isNull();
        claim("e1", "ID:1", MAIL, CALENDAR);
        var recorded = acceptances.recorded(key("e1"));
        assertThat(recorded.numbers()).containsExactlyInAnyOrderEntriesOf(Map.of(MAIL, 1L, CALENDAR, 1L));
        assertThat(recorded.released()).isFalse();
        assertThat(recorded.claimedAt()).isNotNull();

        acceptances.release(key("e1"), new Provenance("src", "ID:1", null));
        var released = acceptances.recorded(key("e1"));
        assertThat(released.released()).isTrue();
        assertThat(released.numbers()).isEqualTo(recorded.numbers());

        claim("e1", "ID:retry", MAIL, CALENDAR);
        assertThat(acceptances.recorded(key("e1")).released()).as("claimed again").isFalse();
        claim("e2", "ID:2");
        assertThat(acceptances.recorded(key("e2")).numbers()).as("no JMS match").isEmpty();
    }

    /** A released record older than the window is a new acceptance when claimed: its notifications get new numbers. */
    @Test
    void aReleasedRecordTakenOverAfterTheWindowGetsNewNumbers() throws SQLException {
        assertThat(claim("e1", "ID:1", MAIL).numbers()).containsExactlyEntriesOf(Map.of(MAIL, 1L));
        acceptances.release(key("e1"), new Provenance("src", "ID:1", null));
        try (Connection db = database.connection()) {
            db.createStatement().executeUpdate("UPDATE accepted_event SET accepted_at = accepted_at - INTERVAL '2' DAY");
        }
        assertThat(claim("e1", "ID:2", MAIL)).isEqualTo(new Acceptance(Claim.CLAIMED, Map.of(MAIL, 2L), true));
    }

    /**
     * An event first claimed with no JMS match numbered nothing; a subscription that matches it when its message
     * comes back (added in between) gets its next number then.
     */
    @Test
    void aSubscriptionMatchedOnlyOnRedeliveryIsNumberedThen() {
        assertThat(claim("e1", "ID:1").numbers()).isEmpty();
        Acceptance again = acceptances.claim(key("e1"), new Provenance("src", "ID:1", null, false, true),
                Set.of(MAIL));
        assertThat(again).isEqualTo(new Acceptance(Claim.CLAIMED, Map.of(MAIL, 1L), true));
        assertThat(claim("e2", "ID:2", MAIL).numbers()).containsExactlyEntriesOf(Map.of(MAIL, 2L));
    }

    /** A record written before numbers existed (V25) is numbered by the claim that finds it. */
    @Test
    void aRecordFromBeforeNumbersIsNumberedWhenItsMessageComesBack() throws SQLException {
        assertThat(claim("e1", "ID:1").numbers()).isEmpty();
        try (Connection db = database.connection()) {
            db.createStatement().executeUpdate("UPDATE accepted_event SET numbers = NULL");
        }
        Acceptance again = acceptances.claim(key("e1"), new Provenance("src", "ID:1", null, false, true),
                Set.of(MAIL));
        assertThat(again).isEqualTo(new Acceptance(Claim.CLAIMED, Map.of(MAIL, 1L), true));
    }

    @Test
    void aMessageWithoutAnIdRedeliveredSendsTheNumbersOfTheRecord() {
        Provenance idless = new Provenance("src", null, null);
        assertThat(acceptances.claim(key("e1"), idless, Set.of(MAIL)).numbers())
                .containsExactlyEntriesOf(Map.of(MAIL, 1L));
        Provenance redelivered = new Provenance("src", null, null, false, true);
        assertThat(acceptances.claim(key("e1"), redelivered, Set.of(MAIL)))
                .isEqualTo(new Acceptance(Claim.REDELIVERED, Map.of(MAIL, 1L), true));
        assertThat(acceptances.claim(key("e1"), idless, Set.of(MAIL))).isEqualTo(Acceptance.of(Claim.DUPLICATE));
    }

    /** An event accepted again after the window is a new acceptance: its notifications get new numbers. */
    @Test
    void anEventAcceptedAgainAfterTheWindowGetsNewNumbers() throws SQLException {
        assertThat(claim("e1", "ID:1", MAIL).numbers()).containsExactlyEntriesOf(Map.of(MAIL, 1L));
        try (Connection db = database.connection()) {
            db.createStatement().executeUpdate("UPDATE accepted_event SET accepted_at = accepted_at - INTERVAL '2' DAY");
        }
        assertThat(claim("e1", "ID:2", MAIL)).isEqualTo(new Acceptance(Claim.CLAIMED, Map.of(MAIL, 2L), true));
    }

    /** A claim whose transaction fails after it took a number rolls the number back with it: the next takes it. */
    @Test
    void aClaimThatFailsUsesNoNumber() throws SQLException {
        assertThat(claim("e1", "ID:1", MAIL).numbers()).containsExactlyEntriesOf(Map.of(MAIL, 1L));
        try (Connection db = database.connection()) {
            // The first try's insert of the record with the number it took fails.
            db.createStatement().execute("ALTER TABLE accepted_event ADD CONSTRAINT no_numbers CHECK (numbers IS NULL "
                    + "OR claimant <> 'ID:2')");
        }
        assertThatThrownBy(() -> claim("e2", "ID:2", MAIL)).isInstanceOf(IllegalStateException.class);
        try (Connection db = database.connection()) {
            db.createStatement().execute("ALTER TABLE accepted_event DROP CONSTRAINT no_numbers");
        }
        assertThat(claim("e2", "ID:2", MAIL)).isEqualTo(new Acceptance(Claim.CLAIMED, Map.of(MAIL, 2L), true));
    }

    /**
     * A failure inside a numbering claim's transaction, rolled back, committed nothing: even a message without an id
     * tries again at once; a failure whose outcome is unknown (a lost connection) does not.
     */
    @Test
    void aRolledBackNumberingClaimIsTriedAgainEvenWithoutAnId() {
        assertThat(Acceptances.retryable(null, new Acceptances.NothingCommitted(new SQLException("lock timeout",
                "HYT00")))).isTrue();
        assertThat(Acceptances.retryable(null, new SQLException("connection lost", "08006"))).isFalse();
    }

    /**
     * Eight consumers claiming 50 events each, every event for both subscriptions, half of them listing the
     * subscriptions the other way round: each subscription hands out exactly 1..400, one number per event, and no
     * two claims wait for each other in a circle.
     */
    @Test
    void concurrentClaimsHandOutEveryNumberOnce() throws Exception {
        eightConsumersClaimFiftyEventsEachForBothSubscriptions();
    }

    /**
     * Eight consumers claim events e{consumer}-{0..49} (messages ID:{consumer}-{n}) at once, each for both
     * subscriptions: each subscription hands out exactly 1..400.
     */
    private void eightConsumersClaimFiftyEventsEachForBothSubscriptions() throws Exception {
        var executor = Executors.newFixedThreadPool(8);
        var mail = new ConcurrentLinkedQueue<Long>();
        var calendar = new ConcurrentLinkedQueue<Long>();
        try {
            List<Future<?>> consumers = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int consumer = c;
                consumers.add(executor.submit((Callable<Void>) () -> {
                    for (int e = 0; e < 50; e++) {
                        Collection<UUID> subscriptions = (consumer + e) % 2 == 0
                                ? List.of(MAIL, CALENDAR) : List.of(CALENDAR, MAIL);
                        Acceptance acceptance = acceptances.claim(key("e" + consumer + "-" + e),
                                new Provenance("src", "ID:" + consumer + "-" + e, null), subscriptions);
                        assertThat(acceptance.claim()).isEqualTo(Claim.CLAIMED);
                        mail.add(acceptance.numbers().get(MAIL));
                        calendar.add(acceptance.numbers().get(CALENDAR));
                    }
                    return null;
                }));
            }
            for (Future<?> consumer : consumers) {
                consumer.get(60, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
        List<Long> all = LongStream.rangeClosed(1, 400).boxed().toList();
        assertThat(mail).containsExactlyInAnyOrderElementsOf(all);
        assertThat(calendar).containsExactlyInAnyOrderElementsOf(all);
    }

    /**
     * Eight copies of one event, in eight messages, claimed at once, each matching a subscription of its own (as if
     * the index changed between them), so that no counter orders them and their inserts of the record race: each
     * copy first takes its number, then tries to insert the record with it (AcceptanceStore.claimedAfresh). One
     * claims the event; the others find its record, at once or after their insert lost the race on the key, and give
     * their numbers back: the next event numbers the winner's subscription 2 and every other 1. Ten rounds.
     */
    @Test
    void copiesClaimedAtOnceNumberTheEventOnceAndGiveTheirNumbersBack() throws Exception {
        var executor = Executors.newFixedThreadPool(8);
        try {
            for (int round = 1; round <= 10; round++) {
                String event = "copy-" + round;
                List<UUID> subscriptions = new ArrayList<>();
                for (int c = 0; c < 8; c++) {
                    subscriptions.add(UUID.randomUUID());
                }
                var start = new java.util.concurrent.CyclicBarrier(8);
                List<Future<Acceptance>> copies = new ArrayList<>();
                for (int c = 0; c < 8; c++) {
                    String messageId = "ID:" + event + "-" + c;
                    UUID subscription = subscriptions.get(c);
                    copies.add(executor.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return claim(event, messageId, subscription);
                    }));
                }
                UUID winner = null;
                for (int c = 0; c < 8; c++) {
                    Acceptance outcome = copies.get(c).get(60, TimeUnit.SECONDS);
                    if (outcome.claim() == Claim.CLAIMED) {
                        assertThat(winner).as("round %d: a second copy claimed the event", round).isNull();
                        winner = subscriptions.get(c);
                        assertThat(outcome).isEqualTo(new Acceptance(Claim.CLAIMED, Map.of(winner, 1L), true));
                    } else {
                        assertThat(outcome).as("round %d", round).isEqualTo(Acceptance.of(Claim.DUPLICATE));
                    }
                }
                assertThat(winner).as("round %d: no copy claimed the event", round).isNotNull();
                Map<UUID, Long> expected = new java.util.HashMap<>();
                for (UUID subscription : subscriptions) {
                    expected.put(subscription, subscription.equals(winner) ? 2L : 1L);
                }
                assertThat(claim("after-" + round, "ID:after-" + round, subscriptions.toArray(UUID[]::new))
                        .numbers()).as("round %d: the numbers the copies took were given back", round)
                        .containsExactlyInAnyOrderEntriesOf(expected);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * The claim that takes a record over (here released records, numbered nothing) locks the record, then the
     * counters: eight consumers taking over 50 records each (each consumer its own), for both subscriptions, hand out
     * every number once.
     */
    @Test
    void concurrentTakeoversOfReleasedRecordsHandOutEveryNumberOnce() throws Exception {
        for (int c = 0; c < 8; c++) {
            for (int e = 0; e < 50; e++) {
                assertThat(claim("e" + c + "-" + e, "ID:first-" + c + "-" + e).numbers()).isEmpty();
                acceptances.release(key("e" + c + "-" + e), new Provenance("src", "ID:first-" + c + "-" + e, null));
            }
        }
        eightConsumersClaimFiftyEventsEachForBothSubscriptions();
    }

    /**
     * A claim that takes a released record over and fails after it took a number for a subscription the record
     * lacks rolls the number back with it: the next event gets that number.
     */
    @Test
    void aTakeoverThatFailsAfterNumberingUsesNoNumber() throws SQLException {
        assertThat(claim("e1", "ID:1", MAIL).numbers()).containsExactlyEntriesOf(Map.of(MAIL, 1L));
        acceptances.release(key("e1"), new Provenance("src", "ID:1", null));
        try (Connection db = database.connection()) {
            // The takeover keeps the record's one number and passes; recording a second number fails.
            db.createStatement().execute("ALTER TABLE accepted_event ADD CONSTRAINT one_number CHECK ("
                    + "OCTET_LENGTH(numbers) <= 24 OR claimant <> 'ID:retry')");
        }
        assertThatThrownBy(() -> claim("e1", "ID:retry", MAIL, CALENDAR)).isInstanceOf(IllegalStateException.class);
        try (Connection db = database.connection()) {
            db.createStatement().execute("ALTER TABLE accepted_event DROP CONSTRAINT one_number");
        }
        assertThat(claim("e2", "ID:2", CALENDAR, MAIL).numbers()).as("no number was used by the failed takeover")
                .containsExactlyInAnyOrderEntriesOf(Map.of(MAIL, 2L, CALENDAR, 1L));
    }

    /**
     * A redelivered message looks for its record first; if its first claim never committed there is none, and it
     * claims the event afresh with new numbers.
     */
    @Test
    void aRedeliveredMessageWhoseClaimNeverCommittedClaimsTheEventAfresh() {
        assertThat(acceptances.claim(key("e1"), new Provenance("src", "ID:1", null, false, true), Set.of(MAIL)))
                .isEqualTo(new Acceptance(Claim.CLAIMED, Map.of(MAIL, 1L), true));
        assertThat(acceptances.claim(key("e2"), new Provenance("src", null, null, false, true), Set.of(MAIL)))
                .as("without an id too").isEqualTo(new Acceptance(Claim.CLAIMED, Map.of(MAIL, 2L), true));
        assertThat(claim("e1", "ID:other", MAIL)).isEqualTo(Acceptance.of(Claim.DUPLICATE));
    }

    /**
     * A record pruned after a first try found it (here deleted by another connection as the first try's numbers are
     * given back): the takeover finds nothing and fails the try, and the next try claims the event afresh, with the
     * number the failed try gave back.
     */
    @Test
    void aRecordPrunedBetweenTheFirstTryAndTheTakeoverIsClaimedAfreshOnTheNextTry() throws SQLException {
        assertThat(claim("e1", "ID:1", MAIL).numbers()).containsExactlyEntriesOf(Map.of(MAIL, 1L));
        var hooked = acceptances(true, new ConnectionHooks() {
            @Override
            public void afterRollback() throws SQLException {
                try (Connection other = database.connection()) {
                    other.createStatement().executeUpdate("DELETE FROM accepted_event");
                }
            }
        });
        assertThat(hooked.claim(key("e1"), new Provenance("src", "ID:2", null), Set.of(MAIL)))
                .isEqualTo(new Acceptance(Claim.CLAIMED, Map.of(MAIL, 2L), true));
        assertThat(claim("e2", "ID:3", MAIL).numbers()).as("the failed try's number was given back and used once")
                .containsExactlyEntriesOf(Map.of(MAIL, 3L));
    }

    /**
     * A redelivered message that found no record, whose event another message then claims before its own insert
     * (here a copy committed by another connection as it takes its number): its try fails, and the next finds the
     * copy's record: a duplicate, and the number it took is given back.
     */
    @Test
    void aRecordMadeAfterARedeliveryFoundNoneMakesItADuplicateOnTheNextTry() throws SQLException {
        var hooked = acceptances(true, new ConnectionHooks() {
            private boolean done;

            @Override
            public void beforeNumber() {
                if (!done) {
                    done = true;
                    assertThat(claim("e1", "ID:copy", MAIL)).isEqualTo(
                            new Acceptance(Claim.CLAIMED, Map.of(MAIL, 1L), true));
                }
            }
        });
        assertThat(hooked.claim(key("e1"), new Provenance("src", "ID:1", null, false, true), Set.of(MAIL)))
                .isEqualTo(Acceptance.of(Claim.DUPLICATE));
        assertThat(claim("e2", "ID:2", MAIL).numbers()).as("the number the redelivery took was given back")
                .containsExactlyEntriesOf(Map.of(MAIL, 2L));
    }

    /** With the duplicate window off (only to measure security's cost), events are numbered without a record. */
    @Test
    void withoutTheWindowEventsAreStillNumbered() {
        Acceptances open = acceptances(false);
        Provenance from = new Provenance("src", "ID:1", null);
        assertThat(open.claim(key("e1"), from, Set.of(MAIL)))
                .isEqualTo(new Acceptance(Claim.CLAIMED, Map.of(MAIL, 1L), false));
        assertThat(open.claim(key("e1"), from, Set.of(MAIL)).numbers()).containsExactlyEntriesOf(Map.of(MAIL, 2L));
        assertThat(open.claim(key("e2"), from, Set.of()).numbers()).isEmpty();
    }

    private Acceptance claim(String id, String messageId, UUID... subscriptions) {
        return acceptances.claim(key(id), new Provenance("src", messageId, null), List.of(subscriptions));
    }

    private static AcceptanceKey key(String id) {
        return AcceptanceKey.of("https://mail.example.com/store", id);
    }

    private Acceptances acceptances(boolean enforced) {
        return acceptances(enforced, null);
    }

    /** Moments in a claim at which a test changes the database from another connection. */
    private interface ConnectionHooks {
        default void afterRollback() throws SQLException {
        }

        /** Before a counter's update (the statement that returns its value). */
        default void beforeNumber() throws SQLException {
        }
    }

    private Acceptances acceptances(boolean enforced, ConnectionHooks hooks) {
        var bean = new Acceptances();
        bean.store = new AcceptanceStore();
        bean.window = Duration.ofHours(24);
        bean.enforced = enforced;
        bean.database = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        Connection real = database.connection();
                        return hooks == null ? real : hooked(real, hooks);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return bean;
    }

    private static Connection hooked(Connection real, ConnectionHooks hooks) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && args.length == 2 && args[1] instanceof String[]) {
                        hooks.beforeNumber();
                    }
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("rollback") && (args == null || args.length == 0)) {
                        hooks.afterRollback();
                    }
                    return result;
                });
    }
}
