package org.tidings.pull.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.entity.Delivery;
import org.tidings.delivery.entity.DeliveryStatus;
import org.tidings.platform.TestDatabase;
import org.tidings.pull.entity.FeedEntry;
import org.tidings.pull.entity.SubscriptionSequence;
import org.tidings.sinks.entity.Sink;

/**
 * Settling the pending deliveries of the feed entries retention deletes reads those deliveries, not the
 * subscription's delivered history nor what other subscriptions still wait for: on H2 (the embedded database, the
 * migrations' schema) the ledger's update is a bounded range of {@code delivery_subscription_seq}. The statement
 * Hibernate sends is run again under {@code EXPLAIN ANALYZE}, which reports how many rows H2 read.
 */
class NeverAcknowledgedScanTest {

    private static final int ROWS = 10_000;
    private static final UUID SUBSCRIPTION = UUID.randomUUID();
    /** The last of the subscription's entries that retention deletes. */
    private static final long THROUGH = ROWS + 2;

    private final TestDatabase database = TestDatabase.migrated("unacked");
    private final List<String> statements = new ArrayList<>();
    private final Instant cutoff = Instant.now().minus(Duration.ofHours(24));
    private SessionFactory sessions;

    @BeforeEach
    void schemaAndRecords() throws SQLException {
        var old = cutoff.minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC);
        var now = Instant.now().atOffset(ZoneOffset.UTC);
        try (Connection db = database.connection();
                var insert = db.prepareStatement("INSERT INTO delivery (notification_id, sink_id, subscription_id, "
                        + "ordering_key, subject, event_key, event_source, event_id, status, attempts, seq, "
                        + "created_at, updated_at) SELECT ? || X, RANDOM_UUID(), COALESCE(?, RANDOM_UUID()), 'k', "
                        + "'s', 'e', 'src', 'id', ?, 0, X, ?, ? FROM SYSTEM_RANGE(?, ?)");
                var entry = db.prepareStatement("INSERT INTO pull_notification (subscription_id, seq, "
                        + "notification_id, created_at, body) SELECT ?, X, 'pending-' || X, CASEWHEN(X <= ?, ?, ?), "
                        + "X'7b7d' FROM SYSTEM_RANGE(?, ?)")) {
            // the subscription's history: a week of one-way notifications, whose entries retention deleted long ago
            rows(insert, "delivered-", SUBSCRIPTION, "DELIVERED", old, 1, ROWS);
            // then three that ask for acks and never got one: the first two are old enough to go now
            rows(insert, "pending-", SUBSCRIPTION, "PENDING", old, ROWS + 1, ROWS + 3);
            entry.setObject(1, SUBSCRIPTION);
            entry.setLong(2, THROUGH);
            entry.setObject(3, old);
            entry.setObject(4, now);
            entry.setLong(5, ROWS + 1);
            entry.setLong(6, ROWS + 3);
            entry.executeUpdate();
            db.createStatement().execute("INSERT INTO subscription_sequence VALUES ('" + SUBSCRIPTION + "', "
                    + (ROWS + 3) + ", " + ROWS + ", 0)");
            // other subscriptions' notifications that wait for their acks, still readable
            rows(insert, "elsewhere-", null, "PENDING", now, 1, ROWS);
            db.createStatement().execute("ANALYZE");
        }
        sessions = database.sessions(sql -> {
            statements.add(sql);
            return sql;
        }, Delivery.class, FeedEntry.class, SubscriptionSequence.class, Sink.class); // Delivery's queries name Sink
    }

    private static void rows(PreparedStatement insert, String prefix, UUID subscription, String status,
            Object at, long from, long to) throws SQLException {
        insert.setString(1, prefix);
        insert.setObject(2, subscription);
        insert.setString(3, status);
        insert.setObject(4, at);
        insert.setObject(5, at);
        insert.setLong(6, from);
        insert.setLong(7, to);
        insert.executeUpdate();
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void settlingReadsTheDeletedEntriesPendingDeliveriesOnly() throws SQLException {
        int deleted;
        try (Session session = sessions.openSession()) {
            var store = new FeedStore();
            store.em = session;
            session.beginTransaction();
            deleted = store.pruned(cutoff, 100, Instant.now());
            session.getTransaction().commit();
        }

        assertThat(deleted).isEqualTo(2);
        try (Connection db = database.connection(); var counts = db.createStatement().executeQuery(
                "SELECT status, COUNT(*) FROM delivery WHERE subscription_id = '" + SUBSCRIPTION + "' "
                        + "GROUP BY status ORDER BY status")) {
            List<String> byStatus = new ArrayList<>();
            while (counts.next()) {
                byStatus.add(counts.getString(1) + "=" + counts.getLong(2));
            }
            assertThat(byStatus).containsExactly("DELIVERED=" + ROWS, DeliveryStatus.DISCARDED + "=2", "PENDING=1");
        }
        List<String> settling = statements.stream().filter(sql -> sql.toLowerCase().startsWith("update delivery"))
                .toList();
        assertThat(settling).hasSize(1);
        assertThat(rowsRead(settling.get(0))).as(settling.get(0)).isLessThan(100); // not the 10,000 of either
    }

    /**
     * Runs the statement again under EXPLAIN ANALYZE (it changes nothing more: what it settles is settled), with the
     * subscription, the last deleted entry for the number, now for a time, and a text for the
     * answer, and answers the rows H2 read.
     */
    private long rowsRead(String sql) throws SQLException {
        return database.rowsRead(sql, (explain, i, left) -> {
            if (left.endsWith("subscription_id=")) {
                explain.setObject(i, SUBSCRIPTION);
            } else if (left.endsWith("seq<=")) {
                explain.setLong(i, THROUGH);
            } else if (left.endsWith("_at=")) {
                explain.setObject(i, Instant.now().atOffset(ZoneOffset.UTC));
            } else {
                explain.setString(i, "a reason");
            }
        });
    }
}
