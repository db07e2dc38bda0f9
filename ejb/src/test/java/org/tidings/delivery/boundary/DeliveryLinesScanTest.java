package org.tidings.delivery.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.entity.Delivery;
import org.tidings.delivery.entity.Notification;
import org.tidings.platform.TestDatabase;
import org.tidings.pull.entity.FeedEntry;
import org.tidings.pull.entity.SubscriptionSequence;
import org.tidings.sinks.entity.Sink;

/**
 * The lookups made for every notification (is anything of its line ahead of it?) and every second (which lines are
 * due?) read the rows in play, not the history: on H2 (the embedded database, the migrations' schema) a line with a
 * week of delivered notifications, and a sink with many lines waiting for a later attempt, cost a bounded range of an
 * index each. Each SQL statement Hibernate sends is run again under {@code EXPLAIN ANALYZE}, which reports how many
 * rows H2 read.
 */
class DeliveryLinesScanTest {

    private static final int ROWS = 10_000;
    private static final UUID HOT_SINK = UUID.randomUUID();
    private static final UUID DOWN_SINK = UUID.randomUUID();
    private static final String HOT_LINE = "hot-line";

    private final TestDatabase database = TestDatabase.migrated("lines");
    private final List<String> statements = new ArrayList<>();
    private SessionFactory sessions;

    @BeforeEach
    void schemaAndRecords() throws SQLException {
        try (Connection db = database.connection();
                var insert = db.prepareStatement("INSERT INTO delivery (notification_id, sink_id, subscription_id, "
                        + "ordering_key, subject, event_key, event_source, event_id, status, attempts, "
                        + "next_attempt_at, created_at, updated_at) SELECT ? || X, ?, RANDOM_UUID(), "
                        + "CASE WHEN ? THEN 'line-' || X ELSE ? END, 's', 'e', 'src', 'id', ?, 1, ?, ?, ? "
                        + "FROM SYSTEM_RANGE(1, ?)")) {
            var now = Instant.now().atOffset(ZoneOffset.UTC);
            // a busy subject of a healthy sink: a week of delivered notifications, nothing in play
            insert.setString(1, "delivered-");
            insert.setObject(2, HOT_SINK);
            insert.setBoolean(3, false);
            insert.setString(4, HOT_LINE);
            insert.setString(5, "DELIVERED");
            insert.setObject(6, null);
            insert.setObject(7, now);
            insert.setObject(8, now);
            insert.setInt(9, ROWS);
            insert.executeUpdate();
            // a sink that is down: each of its lines waits for an attempt an hour from now
            insert.setString(1, "waiting-");
            insert.setObject(2, DOWN_SINK);
            insert.setBoolean(3, true);
            insert.setString(4, null);
            insert.setString(5, "WAITING");
            insert.setObject(6, now.plusHours(1));
            insert.setObject(7, now);
            insert.setObject(8, now);
            insert.setInt(9, ROWS);
            insert.executeUpdate();
            db.createStatement().execute("ANALYZE");
        }
        sessions = database.sessions(sql -> {
            statements.add(sql);
            return sql;
        }, Delivery.class, FeedEntry.class, SubscriptionSequence.class, Sink.class);
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void theOutlookOfANotificationReadsNoneOfItsLinesDeliveredHistory() throws SQLException {
        var notification = new Notification("msg_new", HOT_SINK, UUID.randomUUID(), "s", "src", "new", new byte[0],
                HOT_LINE);
        DeliveryLedger.Outlook outlook;
        try (Session session = sessions.openSession()) {
            var ledger = new DeliveryLedger();
            ledger.em = session;
            session.beginTransaction();
            outlook = ledger.outlook(notification);
            session.getTransaction().commit();
        }

        assertThat(outlook.lineWaiting()).isFalse();
        assertLookupsReadFewRows();
    }

    @Test
    void findingTheDueHeadsReadsNoneOfTheLinesThatAreNotDue() throws SQLException {
        List<Delivery> heads;
        try (Session session = sessions.openSession()) {
            session.beginTransaction();
            heads = session.createNamedQuery(Delivery.DUE_HEADS, Delivery.class).setParameter("now", Instant.now())
                    .setParameter("leftAlone", Set.of(new UUID(0, 0))).setMaxResults(DeliveryRetries.HEADS)
                    .getResultList();
            session.getTransaction().commit();
        }

        assertThat(heads).isEmpty();
        assertLookupsReadFewRows();
    }

    private void assertLookupsReadFewRows() throws SQLException {
        List<String> lookups = statements.stream().filter(sql -> sql.toLowerCase().startsWith("select")).toList();
        assertThat(lookups).isNotEmpty();
        for (String lookup : lookups) {
            assertThat(rowsRead(lookup)).as(lookup).isLessThan(100); // not the 10,000 of the history or the backlog
        }
    }

    /**
     * Runs a statement under EXPLAIN ANALYZE, with the hot sink and line for the sink and key, WAITING for a status,
     * now for a time, and a small number for any other parameter, and answers the rows H2 read.
     */
    private long rowsRead(String sql) throws SQLException {
        return database.rowsRead(sql, (explain, i, left) -> {
            if (left.endsWith("sink_id=")) {
                explain.setObject(i, HOT_SINK);
            } else if (left.endsWith("ordering_key=")) {
                explain.setString(i, HOT_LINE);
            } else if (left.endsWith("status=")) {
                explain.setString(i, "WAITING");
            } else if (left.endsWith("notification_id=")) {
                explain.setString(i, "msg_new");
            } else if (left.endsWith("at<=")) {
                explain.setObject(i, Instant.now().atOffset(ZoneOffset.UTC));
            } else if (left.endsWith("in(")) {
                explain.setObject(i, new UUID(0, 0));
            } else {
                explain.setInt(i, DeliveryRetries.HEADS);
            }
        });
    }
}
