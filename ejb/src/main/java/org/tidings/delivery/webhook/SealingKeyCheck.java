package org.tidings.delivery.webhook;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * Tells whether this instance's sealing key is the one the database's webhook secrets are sealed with. Instances
 * sharing a database must share {@code tidings.secrets.key}; one that generated a key file of its own would fail every
 * attempt to a webhook sink whose secret another instance sealed, until its notifications became dead letters.
 *
 * <p>The first instance to start records a known text sealed with its key ({@code sealing_key_check}, one row).
 * Every later start opens it. On a database that has sealed secrets but no such row yet (created before the check
 * existed), the key must first open one of the sink secrets. Plain JDBC on a connection in auto-commit mode.
 */
public final class SealingKeyCheck {

    static final String KNOWN_TEXT = "tidings sealing key check";
    private static final String UNIQUE_VIOLATION = "23505";

    private SealingKeyCheck() {
    }

    /**
     * @throws IllegalStateException if the key cannot open what the database holds; the message says what to do
     *         and holds nothing secret
     */
    public static void verify(Connection connection, UnaryOperator<String> seal, UnaryOperator<String> open)
            throws SQLException {
        String recorded = recorded(connection);
        if (recorded == null) {
            String aSinkSecret = aSinkSecret(connection);
            if (aSinkSecret != null) {
                opens(open, aSinkSecret);
            }
            try (var insert = connection.prepareStatement(
                    "INSERT INTO sealing_key_check (id, sealed, created_at) VALUES (1, ?, ?)")) {
                insert.setString(1, seal.apply(KNOWN_TEXT));
                insert.setTimestamp(2, Timestamp.from(Instant.now()));
                insert.executeUpdate();
                return;
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                recorded = recorded(connection); // another instance recorded its key meanwhile
            }
        }
        if (!KNOWN_TEXT.equals(opens(open, recorded))) {
            throw differentKey();
        }
    }

    private static String opens(UnaryOperator<String> open, String sealed) {
        try {
            return open.apply(sealed);
        } catch (IllegalStateException e) {
            throw differentKey();
        }
    }

    private static IllegalStateException differentKey() {
        return new IllegalStateException("this instance's sealing key is not the one the database's webhook secrets "
                + "are sealed with: every instance sharing the database needs the same tidings.secrets.key (or the "
                + "same key file, tidings.secrets.key-file)");
    }

    private static String recorded(Connection connection) throws SQLException {
        try (var query = connection.prepareStatement("SELECT sealed FROM sealing_key_check WHERE id = 1");
                var rows = query.executeQuery()) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private static String aSinkSecret(Connection connection) throws SQLException {
        try (var query = connection.prepareStatement("SELECT secret FROM sink WHERE secret IS NOT NULL")) {
            query.setMaxRows(1);
            try (var rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
