package org.tidings.pull.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.persistence.PersistenceException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.entity.Delivery;
import org.tidings.delivery.entity.DeliveryStatus;
import org.tidings.delivery.entity.Notification;
import org.tidings.platform.TestDatabase;
import org.tidings.pull.entity.FeedEntry;
import org.tidings.pull.entity.FeedPositions;
import org.tidings.pull.entity.ResyncRequired;
import org.tidings.pull.entity.SubscriptionSequence;
import org.tidings.sinks.entity.Sink;

/**
 * The feed's numbers on H2 with the migrations' schema, through Hibernate as in the container: gap-free and
 * increasing per subscription, also under concurrent appends; a redelivered notification gets no second number;
 * retention moves the floor and settles the pending deliveries of what it deletes as never acknowledged; an ack
 * settles pending deliveries.
 */
class FeedStoreTest {

    private final TestDatabase database = TestDatabase.migrated("feed");
    private SessionFactory sessions;
    private final UUID sink = UUID.randomUUID();

    @BeforeEach
    void schema() {
        sessions = database.sessions(Delivery.class, FeedEntry.class, SubscriptionSequence.class, Sink.class);
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    private <T> T inTransaction(Function<FeedStore, T> work) {
        try (Session session = sessions.openSession()) {
            var store = new FeedStore();
            store.em = session;
            session.beginTransaction();
            try {
                T result = work.apply(store);
                session.getTransaction().commit();
                return result;
            } catch (RuntimeException e) {
                session.getTransaction().rollback();
                throw e;
            }
        }
    }

    private Notification notification(UUID subscription, String event) {
        return new Notification(Notification.idOf("https://store.example.com", event, subscription), sink,
                subscription, "mailto:ann@example.com", "https://store.example.com", event,
                ("{\"id\":\"" + event + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** What the Feeds facade does: append; the first time, create the counter in a transaction of its own. */
    private long append(UUID subscription, String event, boolean ack) {
        try {
            return inTransaction(store -> store.append(notification(subscription, event), ack, Instant.now()));
        } catch (CounterMissing first) {
            try {
                inTransaction(store -> {
                    store.counterCreated(subscription);
                    return null;
                });
            } catch (PersistenceException raced) {
                // another thread created it
            }
            return inTransaction(store -> store.append(notification(subscription, event), ack, Instant.now()));
        }
    }

    private List<Long> seqs(UUID subscription) {
        return inTransaction(store -> store.after(subscription, store.positions(subscription).pruned(), 10_000).entries().stream()
                .map(FeedEntry::seq).toList());
    }

    @Test
    void eachSubscriptionCountsFromOneWithoutGaps() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertThat(List.of(append(a, "1", false), append(a, "2", false), append(b, "3", false),
                append(a, "4", false), append(b, "5", false))).containsExactly(1L, 2L, 1L, 3L, 2L);
        assertThat(seqs(a)).containsExactly(1L, 2L, 3L);
        FeedPositions positions = inTransaction(store -> store.positions(b));
        assertThat(positions).isEqualTo(new FeedPositions(2, 0, 0));
    }

    @Test
    void aPageHoldsNoMoreBodyBytesThanItsBoundAndAtLeastOneEntry() {
        UUID subscription = UUID.randomUUID();
        for (int i = 1; i <= 5; i++) {
            append(subscription, "e" + i, false); // bodies of {"id":"eN"}: 11 bytes each
        }
        FeedStore.Slice two = inTransaction(store -> {
            store.maxPageBytes = 30;
            return store.after(subscription, 0, 10);
        });
        assertThat(two.entries()).extracting(FeedEntry::seq).containsExactly(1L, 2L);
        assertThat(two.cut()).as("three more were there within the count asked for").isTrue();

        FeedStore.Slice one = inTransaction(store -> {
            store.maxPageBytes = 5;
            return store.after(subscription, 2, 10);
        });
        assertThat(one.entries()).as("a body larger than the bound still comes, alone").extracting(FeedEntry::seq)
                .containsExactly(3L);
        assertThat(one.cut()).isTrue();

        FeedStore.Slice rest = inTransaction(store -> {
            store.maxPageBytes = 30;
            return store.after(subscription, 3, 2);
        });
        assertThat(rest.entries()).extracting(FeedEntry::seq).containsExactly(4L, 5L);
        assertThat(rest.cut()).as("cut by the count asked for, not by bytes").isFalse();
        FeedStore.Slice none = inTransaction(store -> store.after(subscription, 5, 10));
        assertThat(none).isEqualTo(new FeedStore.Slice(List.of(), false));
    }

    @Test
    void theBodiesThatFitAreCountedInOrder() {
        assertThat(FeedStore.fitting(new long[0], 10)).isZero();
        assertThat(FeedStore.fitting(new long[] {100}, 10)).isEqualTo(1);
        assertThat(FeedStore.fitting(new long[] {5, 5, 1}, 10)).isEqualTo(2);
        assertThat(FeedStore.fitting(new long[] {4, 4, 4}, 12)).isEqualTo(3);
        assertThat(FeedStore.fitting(new long[] {1, 100, 1}, 50)).as("order, not the best packing").isEqualTo(1);
    }

    @Test
    void aRedeliveredNotificationGetsNoSecondNumberAndLeavesNoGap() {
        UUID subscription = UUID.randomUUID();
        assertThat(append(subscription, "e1", false)).isEqualTo(1);

        // the same message again (its acknowledgement was lost): the ledger's unique notification id refuses it
        assertThatThrownBy(() -> append(subscription, "e1", false)).isInstanceOf(RuntimeException.class);

        assertThat(append(subscription, "e2", false)).as("the refused append took no number").isEqualTo(2);
        assertThat(seqs(subscription)).containsExactly(1L, 2L);
    }

    @Test
    void concurrentAppendsToOneSubscriptionGetEveryNumberOnce() throws Exception {
        UUID subscription = UUID.randomUUID();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Long>> appends = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String event = "c" + i;
                appends.add(() -> append(subscription, event, false));
            }
            List<Long> handedOut = new ArrayList<>();
            for (Future<Long> seq : threads.invokeAll(appends)) {
                handedOut.add(seq.get());
            }
            assertThat(handedOut).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
        } finally {
            threads.shutdown();
        }
        assertThat(seqs(subscription)).isEqualTo(LongStream.rangeClosed(1, 200).boxed().toList());
    }

    @Test
    void pruningDeletesTheOldestRunAndMovesTheFloor() {
        UUID subscription = UUID.randomUUID();
        UUID untouched = UUID.randomUUID();
        for (int i = 1; i <= 6; i++) {
            append(subscription, "p" + i, false);
        }
        append(untouched, "u", false);
        Instant cutoff = Instant.now().minus(Duration.ofMinutes(1));
        inTransaction(store -> store.em.createNativeQuery("UPDATE pull_notification SET created_at = ?1 "
                + "WHERE subscription_id = ?2 AND seq <= 5").setParameter(1, cutoff.minus(Duration.ofHours(1)))
                .setParameter(2, subscription).executeUpdate());

        int pruned = inTransaction(store -> store.pruned(cutoff, 100, Instant.now()));
        assertThat(pruned).isEqualTo(5);

        assertThat(seqs(subscription)).containsExactly(6L);
        FeedPositions positions = inTransaction(store -> store.positions(subscription));
        assertThat(positions).isEqualTo(new FeedPositions(6, 5, 0));
        assertThat(positions.oldest()).isEqualTo(6);
        assertThat(inTransaction(store -> store.positions(untouched)).pruned()).isZero();
    }

    @Test
    void pruningKeepsAnEntryNewerThanRetentionEvenIfALaterNumberIsOlder() {
        // two appends race: the one that took its time first waited for the counter's lock, so its later number has
        // the older time. Retention may delete only a run of entries that are all older than the cut-off.
        UUID subscription = UUID.randomUUID();
        for (int i = 1; i <= 3; i++) {
            append(subscription, "r" + i, false);
        }
        Instant cutoff = Instant.now().minus(Duration.ofMinutes(1));
        ageOf(subscription, 1, cutoff.minus(Duration.ofHours(1)));
        ageOf(subscription, 2, cutoff.plusMillis(1)); // newer than retention: must be kept
        ageOf(subscription, 3, cutoff.minusMillis(1));

        int pruned = inTransaction(store -> store.pruned(cutoff, 100, Instant.now()));

        assertThat(seqs(subscription)).as("entry 2 is newer than retention, and 3 stays to keep the run unbroken")
                .containsExactly(2L, 3L);
        assertThat(pruned).isEqualTo(1);
        FeedPositions positions = inTransaction(store -> store.positions(subscription));
        assertThat(positions).isEqualTo(new FeedPositions(3, 1, 0));
    }

    @Test
    void aReadThatPruningOvertookIsToldToResyncInsteadOfSkippingTheGap() {
        UUID subscription = UUID.randomUUID();
        for (int i = 1; i <= 6; i++) {
            append(subscription, "g" + i, false);
        }
        Instant cutoff = Instant.now().minus(Duration.ofMinutes(1));
        inTransaction(store -> store.em.createNativeQuery("UPDATE pull_notification SET created_at = ?1 "
                + "WHERE subscription_id = ?2 AND seq <= 5").setParameter(1, cutoff.minus(Duration.ofHours(1)))
                .setParameter(2, subscription).executeUpdate());

        try (Session reader = sessions.openSession()) {
            var store = new FeedStore();
            store.em = reader;
            reader.beginTransaction();
            // what Feeds.read does: the positions first (the client at 0 may continue) ...
            assertThat(store.positions(subscription).continuableFrom(0)).isTrue();
            // ... then, before it reads the entries, pruning commits on another connection
            int pruned = inTransaction(pruner -> pruner.pruned(cutoff, 100, Instant.now()));
            assertThat(pruned).isEqualTo(5);

            assertThatThrownBy(() -> store.after(subscription, 0, 10))
                    .as("entries 1 to 5 are gone: the client must not get 6 as if it followed 0")
                    .isInstanceOfSatisfying(ResyncRequired.class, e -> {
                        assertThat(e.oldest()).isEqualTo(6);
                        assertThat(e.current()).isEqualTo(6);
                    });
            reader.getTransaction().rollback();
        }
    }

    private void ageOf(UUID subscription, long seq, Instant createdAt) {
        inTransaction(store -> store.em.createNativeQuery("UPDATE pull_notification SET created_at = ?1 "
                + "WHERE subscription_id = ?2 AND seq = ?3").setParameter(1, createdAt).setParameter(2, subscription)
                .setParameter(3, seq).executeUpdate());
    }

    @Test
    void anAckSettlesThePendingDeliveriesUpToItsPosition() {
        UUID subscription = UUID.randomUUID();
        append(subscription, "a1", true);
        append(subscription, "a2", false);
        append(subscription, "a3", true);

        FeedPositions positions = inTransaction(store -> store.acked(subscription, 2, Instant.now()));

        assertThat(positions.acked()).isEqualTo(2);
        assertThat(statusOf(subscription, "a1")).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(statusOf(subscription, "a2")).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(statusOf(subscription, "a3")).isEqualTo(DeliveryStatus.PENDING);
        assertThat(inTransaction(store -> store.acked(subscription, 1, Instant.now())).acked())
                .as("an older ack changes nothing").isEqualTo(2);
        assertThatThrownBy(() -> inTransaction(store -> store.acked(subscription, 4, Instant.now())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAckThatReadTheCounterBeforeAnAppendCommittedDoesNotWindItBack() throws Exception {
        UUID subscription = UUID.randomUUID();
        append(subscription, "b1", true);
        ExecutorService acker = Executors.newSingleThreadExecutor();
        try (Session acking = sessions.openSession(); Session appending = sessions.openSession()) {
            var ackStore = new FeedStore();
            ackStore.em = acking;
            acking.beginTransaction();
            assertThat(ackStore.positions(subscription).last()).as("read before the append").isEqualTo(1);

            var appendStore = new FeedStore();
            appendStore.em = appending;
            appending.beginTransaction();
            assertThat(appendStore.append(notification(subscription, "b2"), true, Instant.now())).isEqualTo(2);

            Future<FeedPositions> acked = acker.submit(() -> ackStore.acked(subscription, 1, Instant.now()));
            await().atMost(Duration.ofSeconds(5)).until(database::aSessionIsBlocked);
            appending.getTransaction().commit();
            FeedPositions after = acked.get(5, TimeUnit.SECONDS);
            acking.getTransaction().commit();

            assertThat(after.acked()).isEqualTo(1);
            assertThat(after.last()).as("the ack answers the counter as it found it under the lock").isEqualTo(2);
        } finally {
            acker.shutdownNow();
        }
        assertThat(inTransaction(store -> store.positions(subscription)).last()).isEqualTo(2);
        assertThat(append(subscription, "b3", true)).as("the next append takes the next number").isEqualTo(3);
        assertThat(seqs(subscription)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void pruningSettlesThePendingDeliveriesOfTheEntriesItDeletesAsNeverAcknowledged() {
        // the subscriptions of this test have no row in subscription: as for a deleted subscription, whose entries
        // retention deletes like any others, settling does not depend on the subscription
        UUID subscription = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        append(subscription, "n1", true);
        append(subscription, "n2", false);
        append(subscription, "n3", true);
        append(subscription, "n4", true);
        append(other, "o1", true);
        Instant cutoff = Instant.now().minus(Duration.ofMinutes(1));
        inTransaction(store -> store.em.createNativeQuery("UPDATE pull_notification SET created_at = ?1 "
                + "WHERE subscription_id = ?2 AND seq <= 3").setParameter(1, cutoff.minus(Duration.ofHours(1)))
                .setParameter(2, subscription).executeUpdate());
        Instant settledAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        int pruned = inTransaction(store -> store.pruned(cutoff, 100, settledAt));
        assertThat(pruned).isEqualTo(3);

        for (String event : List.of("n1", "n3")) {
            Delivery settled = recordOf(subscription, event);
            assertThat(settled.status()).as(event).isEqualTo(DeliveryStatus.DISCARDED);
            assertThat(settled.lastAnswer()).as(event).isEqualTo(Delivery.UNACKNOWLEDGED_ANSWER);
            assertThat(settled.updatedAt()).as("the delivery retention counts from the settling")
                    .isEqualTo(settledAt);
        }
        Delivery oneWay = recordOf(subscription, "n2");
        assertThat(oneWay.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(oneWay.lastAnswer()).isNull();
        assertThat(statusOf(subscription, "n4")).as("its entry is kept: it can still be read and acknowledged")
                .isEqualTo(DeliveryStatus.PENDING);
        assertThat(statusOf(other, "o1")).isEqualTo(DeliveryStatus.PENDING);
    }

    @Test
    void anAckAfterSettlingMovesThePositionAndSettlesWhatIsPendingButLeavesTheNeverAcknowledgedDiscarded() {
        UUID subscription = UUID.randomUUID();
        append(subscription, "l1", true);
        append(subscription, "l2", true);
        Instant cutoff = Instant.now().minus(Duration.ofMinutes(1));
        ageOf(subscription, 1, cutoff.minus(Duration.ofHours(1)));
        inTransaction(store -> store.pruned(cutoff, 100, Instant.now()));
        Instant settledAt = recordOf(subscription, "l1").updatedAt();

        // e.g. a client told to resync, which read after current and acks there: it never read 1
        FeedPositions positions = inTransaction(store -> store.acked(subscription, 2, Instant.now()));

        assertThat(positions).isEqualTo(new FeedPositions(2, 1, 2));
        Delivery settled = recordOf(subscription, "l1");
        assertThat(settled.status()).isEqualTo(DeliveryStatus.DISCARDED);
        assertThat(settled.lastAnswer()).isEqualTo(Delivery.UNACKNOWLEDGED_ANSWER);
        assertThat(settled.updatedAt()).as("untouched by the ack").isEqualTo(settledAt);
        assertThat(statusOf(subscription, "l2")).isEqualTo(DeliveryStatus.DELIVERED);
    }

    @Test
    void anAckThatPruningWaitedForStands() throws Exception {
        UUID subscription = UUID.randomUUID();
        append(subscription, "w1", true);
        Instant cutoff = Instant.now().minus(Duration.ofMinutes(1));
        ageOf(subscription, 1, cutoff.minus(Duration.ofHours(1)));
        ExecutorService pruner = Executors.newSingleThreadExecutor();
        try (Session acking = sessions.openSession()) {
            var store = new FeedStore();
            store.em = acking;
            acking.beginTransaction();
            store.acked(subscription, 1, Instant.now()); // holds the counter's lock until it commits

            Future<Integer> pruned = pruner.submit(() -> inTransaction(other -> other.pruned(cutoff, 100,
                    Instant.now())));
            await().atMost(Duration.ofSeconds(5)).until(database::aSessionIsBlocked);
            acking.getTransaction().commit();

            assertThat(pruned.get(5, TimeUnit.SECONDS)).as("the entry is deleted all the same").isEqualTo(1);
        } finally {
            pruner.shutdownNow();
        }
        Delivery acked = recordOf(subscription, "w1");
        assertThat(acked.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(acked.lastAnswer()).isNull();
    }

    private DeliveryStatus statusOf(UUID subscription, String event) {
        return recordOf(subscription, event).status();
    }

    private Delivery recordOf(UUID subscription, String event) {
        String id = notification(subscription, event).id();
        return inTransaction(store -> store.em.createNamedQuery(Delivery.BY_NOTIFICATION, Delivery.class)
                .setParameter("id", id).getSingleResult());
    }
}
