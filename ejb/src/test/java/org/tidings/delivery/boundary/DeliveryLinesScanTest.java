package org.tidings.delivery.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    private static final UUID BACKLOG_SINK = UUID.randomUUID();
    private static final String BACKLOG_LINE = "backlog-line-";
    private static final int BACKLOG_LINES = 10;

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
            insertRows(insert, "delivered-", HOT_SINK, HOT_LINE, "DELIVERED", null, now);
            // a sink that is down: each of its lines waits for an attempt an hour from now
            insertRows(insert, "waiting-", DOWN_SINK, null, "WAITING", now.plusHours(1), now);
            // a sink that has been down for long: each of a few lines has its first row waiting for an attempt an hour
            // from now, and the rest parked behind it, not due by themselves (as the ledger parks them)
            insertRows(insert, "behind-", BACKLOG_SINK, BACKLOG_LINE, "WAITING", null, now);
            db.createStatement().executeUpdate("UPDATE delivery SET ordering_key = ordering_key || MOD(position, "
                    + BACKLOG_LINES + ") WHERE sink_id = '" + BACKLOG_SINK + "'");
            db.createStatement().executeUpdate("UPDATE delivery SET next_attempt_at = DATEADD(HOUR, 1, "
                    + "CURRENT_TIMESTAMP) WHERE position IN (SELECT MIN(position) FROM delivery WHERE sink_id = '"
                    + BACKLOG_SINK + "' GROUP BY ordering_key)");
            db.createStatement().execute("ANALYZE");
        }
        sessions = database.sessions(sql -> {
            statements.add(sql);
            return sql;
        }, Delivery.class, FeedEntry.class, SubscriptionSequence.class, Sink.class);
    }

    /**
     * {@link #ROWS} records of the sink, named {@code prefix} and a number: all of {@code line}, or each of a line of
     * its own if {@code line} is null.
     */
    private static void insertRows(PreparedStatement insert, String prefix, UUID sink, String line, String status,
            OffsetDateTime next, OffsetDateTime now) throws SQLException {
        insert.setString(1, prefix);
        insert.setObject(2, sink);
        insert.setBoolean(3, line == null);
        insert.setString(4, line);
        insert.setString(5, status);
        insert.setObject(6, next);
        insert.setObject(7, now);
        insert.setObject(8, now);
        insert.setInt(9, ROWS);
        insert.executeUpdate();
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
                    .setParameter("epoch", Instant.EPOCH)
                    .setParameter("leftAlone", Set.of(new UUID(0, 0))).setMaxResults(DeliveryRetries.HEADS)
                    .getResultList();
            session.getTransaction().commit();
        }

        assertThat(heads).isEmpty();
        assertLookupsReadFewRows();
    }

    @Test
    void findingTheDueHeadsReadsNoneOfTheRowsParkedBehindTheirLines() throws SQLException {
        List<Delivery> heads;
        Instant now = Instant.now();
        try (Session session = sessions.openSession()) {
            session.beginTransaction();
            heads = session.createNamedQuery(Delivery.DUE_HEADS, Delivery.class).setParameter("now", now)
                    .setParameter("epoch", Instant.EPOCH)
                    .setParameter("leftAlone", Set.of(new UUID(0, 0))).setMaxResults(DeliveryRetries.HEADS)
                    .getResultList();
            session.getTransaction().commit();
        }

        assertThat(heads).as("the lines' first rows wait an hour; the rows behind them are not due by themselves")
                .isEmpty();
        List<String> lookups = statements.stream().filter(sql -> sql.toLowerCase().startsWith("select")).toList();
        assertThat(lookups).hasSize(1);
        assertThat(database.rowsRead(lookups.get(0), (explain, i, left) -> {
            if (left.endsWith("status=")) {
                explain.setString(i, "WAITING");
            } else if (left.endsWith("at>=")) {
                explain.setObject(i, Instant.EPOCH.atOffset(ZoneOffset.UTC));
            } else if (left.endsWith("at<=")) {
                explain.setObject(i, now.atOffset(ZoneOffset.UTC));
            } else if (left.endsWith("in(")) {
                explain.setObject(i, new UUID(0, 0));
            } else {
                explain.setInt(i, DeliveryRetries.HEADS);
            }
        })).as("not the %d rows parked behind the lines", ROWS).isLessThan(100);
    }

    @Test
    void parkingANotificationBehindALongLineReadsItsFirstRowsNotTheLine() throws SQLException {
        UUID subscription = UUID.randomUUID();
        var notification = new Notification("msg_behind", BACKLOG_SINK, subscription, "s", "src", "behind",
                new byte[0], BACKLOG_LINE + 3);
        try (Session session = sessions.openSession()) {
            var ledger = new DeliveryLedger();
            ledger.em = session;
            ledger.store = DeliveryLedgerTest.storeOn(session);
            session.beginTransaction();
            ledger.counterCreated(subscription);
            session.getTransaction().commit();
            statements.clear();
            session.beginTransaction();
            ledger.waiting(notification, Instant.now(), Instant.now());
            session.getTransaction().commit();
        }

        try (Connection db = database.connection(); var row = db.createStatement().executeQuery(
                "SELECT next_attempt_at FROM delivery WHERE notification_id = 'msg_behind'")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getObject(1)).as("parked behind its line: not due by itself").isNull();
        }
        List<String> lookups = statements.stream().filter(sql -> sql.toLowerCase().startsWith("(select")).toList();
        assertThat(lookups).as("the line's first rows, read once: the first row ahead still waits").hasSize(1);
        assertThat(database.rowsRead(lookups.get(0), (explain, i, left) -> {
            if (left.endsWith("sink_id=")) {
                explain.setObject(i, BACKLOG_SINK);
            } else if (left.endsWith("ordering_key=")) {
                explain.setString(i, BACKLOG_LINE + 3);
            } else {
                explain.setLong(i, Long.MAX_VALUE);
            }
        })).as("not the line's %d rows", ROWS / BACKLOG_LINES).isLessThan(10);
    }

    @Test
    void takingTheNextOfALongLineReadsItsFirstRowsNotTheLine() throws SQLException {
        Optional<DeliveryLedger.Claim> taken;
        Instant now = Instant.now();
        try (Session session = sessions.openSession()) {
            var ledger = new DeliveryLedger();
            ledger.em = session;
            session.beginTransaction();
            taken = ledger.nextClaimed(BACKLOG_SINK, BACKLOG_LINE + 3, now.plusSeconds(30), now);
            session.getTransaction().commit();
        }

        assertThat(taken).as("its first row waits an hour").isEmpty();
        List<String> lookups = statements.stream().filter(sql -> sql.toLowerCase().startsWith("select")).toList();
        assertThat(lookups).isNotEmpty();
        for (String lookup : lookups) {
            assertThat(database.rowsRead(lookup, (explain, i, left) -> {
                if (left.endsWith("sink_id=")) {
                    explain.setObject(i, BACKLOG_SINK);
                } else if (left.endsWith("ordering_key=")) {
                    explain.setString(i, BACKLOG_LINE + 3);
                } else {
                    explain.setInt(i, 1);
                }
            })).as(lookup).isLessThan(10); // not the line's 1,000 rows
        }
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
            } else if (left.endsWith("at>=")) {
                explain.setObject(i, Instant.EPOCH.atOffset(ZoneOffset.UTC));
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
