package org.tidings.delivery.boundary;

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
import org.tidings.platform.TestDatabase;
import org.tidings.provisioning.control.TaskLockStore;
import org.tidings.sinks.entity.Sink;

/**
 * The pruner's look for finished records reads the records it deletes, not the week of records within the retention:
 * on H2 (the embedded database, the schema of the migrations) every query it makes is a bounded range of the index
 * {@code delivery_finished}. Each SQL statement Hibernate sends is run again under {@code EXPLAIN ANALYZE}, which
 * reports how many rows H2 read.
 */
class DeliveryPruningScanTest {

    private static final int RECENT = 5_000;

    private final TestDatabase database = TestDatabase.migrated("prune");
    private final List<String> statements = new ArrayList<>();
    private SessionFactory sessions;

    @BeforeEach
    void schemaAndRecords() throws SQLException {
        try (Connection db = database.connection();
                var insert = db.prepareStatement("INSERT INTO delivery (notification_id, sink_id, subscription_id, "
                        + "ordering_key, subject, event_key, event_source, event_id, status, attempts, created_at, "
                        + "updated_at) SELECT 'n' || X || ?, RANDOM_UUID(), RANDOM_UUID(), 'k', 's', 'e', 'src', "
                        + "'id', ?, 1, ?, ? FROM SYSTEM_RANGE(1, ?)")) {
            insertRows(insert, "recent-delivered", "DELIVERED", Instant.now(), RECENT);
            insertRows(insert, "recent-discarded", "DISCARDED", Instant.now(), RECENT);
            insertRows(insert, "old-delivered", "DELIVERED", Instant.now().minus(Duration.ofDays(8)), 3);
        }
        sessions = database.sessions(sql -> {
            statements.add(sql);
            return sql;
        }, Delivery.class, Sink.class); // Delivery's queries name Sink
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void findingTheOldFinishedRecordsReadsNoneOfTheRecentOnes() throws SQLException {
        Instant before = Instant.now().minus(Duration.ofDays(7));
        int deleted;
        try (Session session = sessions.openSession()) {
            var pruning = new DeliveryPruning();
            pruning.em = session;
            pruning.locks = new TaskLockStore() {
                @Override
                public boolean acquired(String task) {
                    return true;
                }
            };
            session.beginTransaction();
            deleted = pruning.prunedBatch(before);
            session.getTransaction().commit();
        }

        assertThat(deleted).isEqualTo(3);
        List<String> lookups = statements.stream().filter(sql -> sql.toLowerCase().startsWith("select")).toList();
        assertThat(lookups).isNotEmpty();
        for (String lookup : lookups) {
            assertThat(rowsRead(lookup, before)).as(lookup).isLessThan(100); // not the 10,000 recent ones
        }
    }

    private static void insertRows(PreparedStatement insert, String name, String status, Instant at,
            int count) throws SQLException {
        insert.setString(1, name);
        insert.setString(2, status);
        insert.setObject(3, at.atOffset(ZoneOffset.UTC));
        insert.setObject(4, at.atOffset(ZoneOffset.UTC));
        insert.setInt(5, count);
        insert.executeUpdate();
    }

    /**
     * Runs one of the pruner's statements under EXPLAIN ANALYZE, with DELIVERED for a status, {@code before} for
     * the time and the batch size for any other parameter, and answers the rows H2 read.
     */
    private long rowsRead(String sql, Instant before) throws SQLException {
        return database.rowsRead(sql, (explain, i, left) -> {
            if (left.endsWith("status=")) {
                explain.setString(i, "DELIVERED");
            } else if (left.endsWith("updated_at<")) {
                explain.setObject(i, before.atOffset(ZoneOffset.UTC));
            } else {
                explain.setInt(i, DeliveryPruning.BATCH);
            }
        });
    }
}
