package org.tidings.sinks.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.platform.TestDatabase;
import org.tidings.sinks.boundary.Sinks;

/** V29: a pause from before pauses by operators and by subscribers were told apart counts as an operator's. */
class OperatorPausesMigrationTest {

    @Test
    void aPauseOfEitherKindMadeBeforeIsAnOperatorsAndNoOtherReasonChanges() throws Exception {
        try (var database = TestDatabase.migratedTo("operator-pauses", "28")) {
            Map<UUID, String> reasons = new LinkedHashMap<>();
            reasons.put(UUID.randomUUID(), "paused by an operator or its subscriber");
            reasons.put(UUID.randomUUID(), "the receiver answered 410 Gone");
            reasons.put(UUID.randomUUID(), null);
            try (var connection = database.connection(); var insert = connection.prepareStatement(
                    "INSERT INTO sink (id, name, channel, endpoint, created_at, disabled_at, disabled_reason) "
                            + "VALUES (?, 'hook', 'WEBHOOK', 'https://receiver.example/hook', ?, ?, ?)")) {
                for (var entry : reasons.entrySet()) {
                    Timestamp now = Timestamp.from(Instant.now());
                    insert.setObject(1, entry.getKey());
                    insert.setTimestamp(2, now);
                    insert.setTimestamp(3, entry.getValue() == null ? null : now);
                    insert.setString(4, entry.getValue());
                    insert.executeUpdate();
                }
            }

            database.migrate();

            try (var connection = database.connection(); var select = connection.prepareStatement(
                    "SELECT disabled_reason FROM sink WHERE id = ?")) {
                var expected = new LinkedHashMap<>(reasons);
                expected.replaceAll((id, reason) -> "paused by an operator or its subscriber".equals(reason)
                        ? Sinks.PAUSED_BY_OPERATOR : reason);
                for (var entry : expected.entrySet()) {
                    select.setObject(1, entry.getKey());
                    try (var row = select.executeQuery()) {
                        assertThat(row.next()).isTrue();
                        assertThat(row.getString(1)).as(String.valueOf(reasons.get(entry.getKey())))
                                .isEqualTo(entry.getValue());
                    }
                }
            }
        }
    }
}
