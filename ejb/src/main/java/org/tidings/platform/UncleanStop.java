package org.tidings.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Rebuilds every table of an embedded H2 database, and with it every index, when the process that held the database
 * did not stop cleanly (docs/adr/0013, "A commit under way at the kill").
 *
 * <p>H2 2.2.224 writes a commit's tables and indexes to its file one map at a time, and a store started by another
 * commit may catch a commit half converted; a kill -9 right after leaves that commit kept in part (h2database#2080).
 * Where the part kept is a row without its index entry, or an index entry without its row, every later update of that
 * row fails ("Row not found when trying to delete from index", 90112) and every read through that index may miss it
 * or fail. bench/crash saw it once: a delivery row that could not be updated stalled its sink.
 *
 * <p>A rebuild copies each table through H2's own {@code ALTER TABLE ... ADD COLUMN} (then {@code DROP COLUMN}), which
 * makes a new table, inserts the rows of a scan of the old one, creates its constraints and indexes again from those
 * rows, and keeps names, identity counters and the foreign keys of other tables (AlterTableAlterColumn.copyData).
 * A row is kept if the table's main map holds it; an index entry without its row is gone. It does not mend what a
 * commit kept in part across tables (a claim's record without its numbers): ADR 0013 says what that costs.
 *
 * <p>A clean stop is told by a row in {@code clean_stop}, written as the application stops and taken away as it
 * starts. A database whose engine runs in another process (H2 over TCP, as the integration tests run it) or in memory
 * does not die with this one and is left alone; so is PostgreSQL.
 */
public final class UncleanStop {

    private static final Logger LOG = Logger.getLogger(UncleanStop.class.getName());
    static final String MARKER = "CLEAN_STOP";
    /** The column a rebuild adds and drops again. */
    static final String REBUILD_COLUMN = "TIDINGS_REBUILD";

    private UncleanStop() {
    }

    /**
     * At a start: if the database is an embedded H2 one and its last stop left no mark, rebuilds every table of its
     * schema PUBLIC; takes the mark away either way. Returns the tables rebuilt (none after a clean stop, on a database
     * without the marker table yet, or on any other database). A table whose copy fails (its rows break one of its
     * constraints, which the copy checks again) is logged and left as it was.
     */
    public static List<String> repairIfUnclean(Connection connection) throws SQLException {
        if (!embeddedH2(connection) || !markerTableExists(connection)) {
            return List.of();
        }
        boolean clean;
        try (Statement statement = connection.createStatement()) {
            clean = statement.executeUpdate("DELETE FROM " + MARKER) > 0;
        }
        if (clean) {
            return List.of();
        }
        long started = System.nanoTime();
        List<String> rebuilt = new ArrayList<>();
        for (String table : tables(connection)) {
            try {
                rebuild(connection, table);
                rebuilt.add(table);
            } catch (SQLException e) {
                LOG.warning(() -> "after an unclean stop, table " + table + " could not be rebuilt and is left as it "
                        + "was: " + e.getMessage());
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        LOG.warning(() -> "the embedded H2 database was not stopped cleanly: rebuilt " + rebuilt.size() + " tables "
                + "and their indexes from their rows in " + millis + " ms, against an index that a commit cut by the "
                + "stop may have left without its row or a row without its index entry (docs/adr/0013)");
        return rebuilt;
    }

    /** As the application stops: marks the stop clean, on an embedded H2 database that has the marker table. */
    public static void markCleanStop(Connection connection) throws SQLException {
        if (!embeddedH2(connection) || !markerTableExists(connection)) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO " + MARKER + " (STOPPED_AT) VALUES (CURRENT_TIMESTAMP)");
        }
    }

    /** Copies one table of schema PUBLIC into a new one, indexes and constraints made again from its rows. */
    static void rebuild(Connection connection, String table) throws SQLException {
        String name = "\"PUBLIC\".\"" + table.replace("\"", "\"\"") + "\"";
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE " + name + " ADD COLUMN \"" + REBUILD_COLUMN + "\" INT");
            statement.execute("ALTER TABLE " + name + " DROP COLUMN \"" + REBUILD_COLUMN + "\"");
        }
    }

    /**
     * True for H2 whose engine runs in this process on a file: not over TCP or TLS ({@code jdbc:h2:tcp:},
     * {@code jdbc:h2:ssl:}), not in memory ({@code jdbc:h2:mem:}).
     */
    static boolean embeddedH2(Connection connection) throws SQLException {
        var metaData = connection.getMetaData();
        return CommitDurability.H2.equals(metaData.getDatabaseProductName()) && embeddedH2(metaData.getURL());
    }

    /** True for the JDBC URL of an H2 database whose engine would run in this process on a file. */
    public static boolean embeddedH2(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:tcp:") && !lower.startsWith("jdbc:h2:ssl:")
                && !lower.startsWith("jdbc:h2:mem:");
    }

    private static boolean markerTableExists(Connection connection) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES "
                + "WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME = ?")) {
            statement.setString(1, MARKER);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1) > 0;
            }
        }
    }

    private static List<String> tables(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                        + "WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
            while (rows.next()) {
                tables.add(rows.getString(1));
            }
        }
        return tables;
    }
}
