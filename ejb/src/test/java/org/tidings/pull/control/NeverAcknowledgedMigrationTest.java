package org.tidings.pull.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.entity.Delivery;
import org.tidings.platform.TestDatabase;

/**
 * V12 settles the pending pull deliveries whose feed entries retention deleted before it settled them itself, as it
 * now does: the same status and last answer; what can still be read and acknowledged stays pending.
 */
class NeverAcknowledgedMigrationTest {

    private final TestDatabase database = TestDatabase.migratedTo("v12", "11");
    private final UUID pruned = UUID.randomUUID();
    private final UUID kept = UUID.randomUUID();

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void pendingDeliveriesWhoseEntriesWereDeletedAreSettledAsNeverAcknowledged() throws SQLException {
        try (Connection db = database.connection()) {
            // retention deleted entries 1 and 2 of one feed, nothing of the other
            db.createStatement().execute("INSERT INTO subscription_sequence VALUES ('" + pruned + "', 3, 2, 0), ('"
                    + kept + "', 1, 0, 0)");
            record(db, "p1", pruned, 1, "PENDING");
            record(db, "p2", pruned, 2, "DELIVERED");
            record(db, "p3", pruned, 3, "PENDING");
            record(db, "k1", kept, 1, "PENDING");
        }

        database.migrate();

        assertThat(records()).containsExactly(
                "p1 DISCARDED " + Delivery.UNACKNOWLEDGED_ANSWER,
                "p2 DELIVERED null",
                "p3 PENDING null",
                "k1 PENDING null");
    }

    private static void record(Connection db, String id, UUID subscription, long seq, String status)
            throws SQLException {
        try (var insert = db.prepareStatement("INSERT INTO delivery (notification_id, sink_id, subscription_id, "
                + "ordering_key, subject, event_key, event_source, event_id, status, attempts, seq, created_at, "
                + "updated_at) VALUES (?, RANDOM_UUID(), ?, 'k', 's', 'e', 'src', 'id', ?, 0, ?, ?, ?)")) {
            var at = Instant.now().atOffset(ZoneOffset.UTC);
            insert.setString(1, id);
            insert.setObject(2, subscription);
            insert.setString(3, status);
            insert.setLong(4, seq);
            insert.setObject(5, at);
            insert.setObject(6, at);
            insert.executeUpdate();
        }
    }

    private List<String> records() throws SQLException {
        try (Connection db = database.connection(); var rows = db.createStatement().executeQuery(
                "SELECT notification_id, status, last_answer FROM delivery ORDER BY position")) {
            List<String> records = new ArrayList<>();
            while (rows.next()) {
                records.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3));
            }
            return records;
        }
    }
}
