package org.tidings.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;

/**
 * Makes an H2 database store each commit in its file before the commit returns, so that a kill -9 of the process
 * holding the database loses no committed transaction (docs/adr/0013). H2 keeps no redo log: with its default
 * {@code WRITE_DELAY} of 500 ms a commit stays in memory until a background thread writes it, up to half a second
 * later, and dies with the process. With {@code WRITE_DELAY 0} the committing thread writes the changes itself
 * ({@code TransactionStore.endTransaction} calls {@code MVStore.commit()} when the delay is 0, H2 2.2.224).
 *
 * <p>This is durability against a crash of the process, not of the machine: H2 does not fsync each commit. The
 * production database is PostgreSQL, whose commits are synchronous by default. Other databases are left as they are.
 */
public final class CommitDurability {

    private static final Logger LOG = Logger.getLogger(CommitDurability.class.getName());
    static final String H2 = "H2";
    /** H2's error code for a statement that needs admin rights (org.h2.api.ErrorCode.ADMIN_RIGHTS_REQUIRED). */
    static final int ADMIN_RIGHTS_REQUIRED = 90040;

    private CommitDurability() {
    }

    /**
     * On H2, sets {@code WRITE_DELAY} to 0 unless it already is (the default URLs say {@code ;WRITE_DELAY=0}, which
     * also covers the database being closed and opened again). Fails if it cannot: the user is not an H2 admin (who
     * cannot use a URL with {@code ;WRITE_DELAY=0} either).
     */
    public static void ensure(Connection connection) throws SQLException {
        if (!H2.equals(connection.getMetaData().getDatabaseProductName())) {
            return;
        }
        if (writeDelay(connection) == 0) {
            return;
        }
        // not ";WRITE_DELAY=0 in the URL": H2 runs it as SET WRITE_DELAY 0 for every connection, which refuses
        // each connection of a user who is not an admin
        setAsAdmin(connection, "SET WRITE_DELAY 0", "H2 keeps commits in memory for up to WRITE_DELAY ms and only "
                + "an H2 admin may set it to 0");
        LOG.info("H2 WRITE_DELAY set to 0: each commit is written to the database file before it returns");
    }

    /**
     * Runs a setting statement that only an H2 admin may run; if the user is not one, fails saying why the setting
     * is needed ({@code why}) and who must run Tidings.
     */
    static void setAsAdmin(Connection connection, String setting, String why) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(setting);
        } catch (SQLException e) {
            if (e.getErrorCode() != ADMIN_RIGHTS_REQUIRED) {
                throw e;
            }
            throw new SQLException(why + ": tidings.db.user must be an admin of the database (the user that "
                    + "created it is)", e);
        }
    }

    /** H2's current write delay in milliseconds. */
    static int writeDelay(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                        + "WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            if (!rows.next()) {
                throw new SQLException("H2 does not report its WRITE_DELAY setting");
            }
            return Integer.parseInt(rows.getString(1).trim());
        }
    }
}
