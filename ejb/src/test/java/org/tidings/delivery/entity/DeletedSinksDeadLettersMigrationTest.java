package org.tidings.delivery.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.platform.TestDatabase;

/**
 * V30: the dead letters recorded for a sink that no longer exists are discarded without their bodies, as such
 * notifications are recorded since; a dead letter of a sink that still exists, and one dead for another reason, stay.
 */
class DeletedSinksDeadLettersMigrationTest {

    @Test
    void onlyTheDeadLettersOfADeletedSinkAreDiscardedAndLoseTheirBodies() throws Exception {
        try (var database = TestDatabase.migratedTo("deleted-sinks-dead-letters", "29")) {
            UUID kept = UUID.randomUUID();
            UUID gone = UUID.randomUUID();
            try (var connection = database.connection()) {
                try (var sink = connection.prepareStatement("INSERT INTO sink (id, name, channel, endpoint, created_at) "
                        + "VALUES (?, 'hook', 'WEBHOOK', 'https://receiver.example/hook', ?)")) {
                    sink.setObject(1, kept);
                    sink.setTimestamp(2, Timestamp.from(Instant.now()));
                    sink.executeUpdate();
                }
                try (var insert = connection.prepareStatement("INSERT INTO delivery (notification_id, sink_id, "
                        + "subscription_id, ordering_key, subject, event_key, event_source, event_id, status, attempts, "
                        + "last_answer, body, created_at, updated_at) "
                        + "VALUES (?, ?, ?, 'k', 's', 'e', 'src', ?, 'DEAD', 0, ?, ?, ?, ?)")) {
                    Object[][] rows = {
                            {"gone-sink", gone, Delivery.SINK_GONE},
                            {"kept-sink", kept, Delivery.SINK_GONE},
                            {"gone-other", gone, "the receiver answered 500"}};
                    for (Object[] row : rows) {
                        Timestamp now = Timestamp.from(Instant.now());
                        insert.setString(1, "msg_v30_" + row[0]);
                        insert.setObject(2, row[1]);
                        insert.setObject(3, UUID.randomUUID());
                        insert.setString(4, (String) row[0]);
                        insert.setString(5, (String) row[2]);
                        insert.setBytes(6, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        insert.setTimestamp(7, now);
                        insert.setTimestamp(8, now);
                        insert.executeUpdate();
                    }
                }
            }

            database.migrate();

            try (var connection = database.connection(); var select = connection.prepareStatement(
                    "SELECT status, body FROM delivery WHERE notification_id = ?")) {
                for (var expected : new String[][] {
                        {"gone-sink", "DISCARDED", null}, {"kept-sink", "DEAD", "{}"}, {"gone-other", "DEAD", "{}"}}) {
                    select.setString(1, "msg_v30_" + expected[0]);
                    try (var row = select.executeQuery()) {
                        assertThat(row.next()).isTrue();
                        assertThat(row.getString(1)).as(expected[0]).isEqualTo(expected[1]);
                        byte[] body = row.getBytes(2);
                        assertThat(body == null ? null : new String(body, java.nio.charset.StandardCharsets.UTF_8))
                                .as(expected[0] + " body").isEqualTo(expected[2]);
                    }
                }
            }
        }
    }
}
