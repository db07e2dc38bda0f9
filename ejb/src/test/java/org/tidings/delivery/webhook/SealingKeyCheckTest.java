package org.tidings.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An instance whose sealing key is not the database's is refused at start-up, on the schema of the migrations (H2 in
 * memory): after a first instance recorded its key, and on a database that has sealed sink secrets but no record
 * yet. The same key passes every time.
 */
class SealingKeyCheckTest {

    private final String url = "jdbc:h2:mem:keycheck-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private final Sealer first = new Sealer(key());
    private final Sealer other = new Sealer(key());
    private Connection db;

    @BeforeEach
    void schema() throws SQLException {
        Flyway.configure(getClass().getClassLoader()).dataSource(url, "sa", "").locations("classpath:db/migration")
                .load().migrate();
        db = DriverManager.getConnection(url, "sa", "");
    }

    @AfterEach
    void close() throws SQLException {
        db.createStatement().execute("SHUTDOWN");
    }

    @Test
    void theFirstStartRecordsItsKeyAndLaterStartsWithTheSameKeyPass() throws SQLException {
        SealingKeyCheck.verify(db, first::seal, first::open);

        assertThatCode(() -> SealingKeyCheck.verify(db, first::seal, first::open)).doesNotThrowAnyException();
        assertThat(rows("SELECT COUNT(*) FROM sealing_key_check")).isEqualTo(1);
    }

    @Test
    void anInstanceWithAnotherKeyIsRefusedAndToldWhatToSet() throws SQLException {
        SealingKeyCheck.verify(db, first::seal, first::open);

        assertThatThrownBy(() -> SealingKeyCheck.verify(db, other::seal, other::open))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tidings.secrets.key");
    }

    @Test
    void onADatabaseWithSealedSecretsButNoRecordTheKeyMustOpenThem() throws SQLException {
        try (var insert = db.prepareStatement("INSERT INTO sink (id, name, channel, secret, created_at) "
                + "VALUES (?, 'hooks', 'WEBHOOK', ?, CURRENT_TIMESTAMP)")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setString(2, first.seal("whsec_x"));
            insert.executeUpdate();
        }

        assertThatThrownBy(() -> SealingKeyCheck.verify(db, other::seal, other::open))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tidings.secrets.key");
        assertThat(rows("SELECT COUNT(*) FROM sealing_key_check")).as("nothing recorded by the refused key").isZero();

        SealingKeyCheck.verify(db, first::seal, first::open);
        assertThat(rows("SELECT COUNT(*) FROM sealing_key_check")).isEqualTo(1);
    }

    private long rows(String sql) throws SQLException {
        try (var rows = db.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static byte[] key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
