package org.tidings.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Rebuilds the indexes of an embedded H2 database from its tables' rows when the process that held the database did
 * not stop cleanly (docs/adr/0013, "A commit under way at the kill").
 *
 * <p>H2 2.2.224 writes a commit's tables and indexes to its file one map at a time, and a store started by another
 * commit may catch a commit half converted; a kill -9 right after leaves that commit kept in part (h2database#2080).
 * Where the part kept is a row without its index entry, or an index entry without its row, every later update of that
 * row fails ("Row not found when trying to delete from index", 90112) and every read through that index may miss it
 * or fail. bench/crash saw it once: a delivery row that could not be updated stalled its sink.
 *
 * <p>Each index of schema PUBLIC that belongs to no constraint is built again: {@code CREATE INDEX} under a
 * temporary name, which H2 fills from a scan of the table's main map (MVTable.rebuildIndex reads
 * {@code getScanIndex}), then the old one dropped and the new one given its name. A row is in the new index if a scan
 * of the main map returns it; an entry without its row is gone. What the cut transaction left in the main map itself
 * (a value still marked with its transaction's id) stays, for H2 to settle as it meets it (ADR 0013).
 *
 * <p>The index of a primary key or unique constraint is built again too, since the damage there is worse: an entry
 * whose row was not kept makes the event record's key look taken, so a redelivered event would be taken for a
 * duplicate. A unique index is built under a temporary name first (which proves the rows still unique and keeps the
 * key unique meanwhile), then the constraint is dropped with its old index and added again. Left as they are: a key
 * that a foreign key references ({@code sink}'s), the index a foreign key uses, and a primary key of one integer
 * column, which is the table's main map itself. ADR 0013 says what is left to the operator. Nor does it mend what a
 * commit kept in part across tables (a claim's record without its numbers).
 *
 * <p>A clean stop is told by a row in {@code clean_stop}, written as the application stops and taken away as it
 * starts. A database whose engine runs in another process (H2 over TCP, as the integration tests run it) or in memory
 * does not die with this one and is left alone; so is PostgreSQL. The message-driven beans wait for the rebuild and
 * the migrations ({@link SchemaReadiness}).
 */
public final class UncleanStop {

    private static final Logger LOG = Logger.getLogger(UncleanStop.class.getName());
    static final String MARKER = "CLEAN_STOP";
    /** The prefix of the name an index is built under before it takes the old one's place. */
    static final String REBUILT_PREFIX = "TIDINGS_REBUILT_";
    /** A LIKE pattern for those names (an underscore is a LIKE wildcard, hence the escape). */
    private static final String REBUILT_LIKE = "'TIDINGS\\_REBUILT\\_%' ESCAPE '\\'";
    /** The prefix of the name of a constraint's index built before the constraint is dropped, then the constraint. */
    static final String REKEYED_PREFIX = "TIDINGS_REKEYED_";
    private static final String REKEYED_LIKE = "'TIDINGS\\_REKEYED\\_%' ESCAPE '\\'";
    /** The types of a one-column primary key that H2 keeps as the table's main map itself (TableBase). */
    private static final List<String> ROW_KEY_TYPES = List.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT");

    private UncleanStop() {
    }

    /**
     * At a start: on an embedded H2 database whose last stop left no mark, builds again the indexes of the primary
     * keys and unique constraints ({@link #keys}), then every index that belongs to no constraint; takes the mark away
     * either way. Returns the indexes rebuilt (none after a clean stop, on a database without the marker table yet,
     * or on any other database). First, at every start, it finishes a rebuild a kill or a failure cut: an index built
     * under the temporary name takes its old name if that is free, and is dropped otherwise; a constraint dropped for
     * its rebuild is added again. An index that cannot be built (a unique index whose rows now hold a duplicate) is
     * logged and left as it was.
     */
    public static List<String> repairIfUnclean(Connection connection) throws SQLException {
        return repairIfUnclean(connection, new ArrayList<>());
    }

    /**
     * As {@link #repairIfUnclean(Connection)}, adding to {@code failed} the indexes that could not be built; the
     * caller then leaves the stop unmarked, so that the next start tries them again.
     */
    public static List<String> repairIfUnclean(Connection connection, List<String> failed) throws SQLException {
        if (!embeddedH2(connection) || !markerTableExists(connection)) {
            return List.of();
        }
        finishCutRebuilds(connection);
        finishCutRekeys(connection);
        boolean clean;
        try (Statement statement = connection.createStatement()) {
            clean = statement.executeUpdate("DELETE FROM " + MARKER) > 0;
        }
        if (clean) {
            return List.of();
        }
        long started = System.nanoTime();
        List<String> rebuilt = new ArrayList<>();
        for (KeyDefinition key : keys(connection)) {
            try {
                rekey(connection, key);
                rebuilt.add(key.index());
            } catch (SQLException e) {
                failed.add(key.index());
                LOG.severe(() -> "after an unclean stop, the index " + key.index() + " of constraint "
                        + key.constraint() + " of table " + key.table() + " could not be built again (if the "
                        + "constraint was dropped for it, an index " + REKEYED_PREFIX + key.constraint()
                        + " keeps its key unique and the next start adds it again): " + e.getMessage());
            }
        }
        finishCutRekeys(connection);
        for (IndexDefinition index : plainIndexes(connection)) {
            try {
                rebuild(connection, index);
                rebuilt.add(index.name());
            } catch (SQLException e) {
                failed.add(index.name());
                LOG.severe(() -> "after an unclean stop, index " + index.name() + " of table " + index.table()
                        + " could not be built again and is left as it was (the stop of this run is not marked "
                        + "clean, so the next start tries again): " + e.getMessage());
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        LOG.warning(() -> "the embedded H2 database was not stopped cleanly: rebuilt " + rebuilt.size() + " indexes "
                + "from their tables' rows in " + millis + " ms" + (failed.isEmpty() ? "" : ", not " + failed)
                + ", against an index that a commit cut by the stop may have left out of step with its rows "
                + "(docs/adr/0013)");
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

    /**
     * An index of schema PUBLIC: its table, its kind as SQL ("UNIQUE NULLS NOT DISTINCT ", or "" for a plain one), its
     * columns as SQL ("C" DESC NULLS FIRST) and its comment.
     */
    record IndexDefinition(String table, String name, String kind, List<String> columns, String remarks) {
    }

    /**
     * Builds one index again from the table's rows, under a temporary name, then in the old one's place, and gives it
     * its comment again. If dropping the old one fails, the new one goes and the failure is thrown; if only the
     * renaming fails, it is logged and the next start's {@code finishCutRebuilds} does it. A kill between the renaming
     * and the comment loses the comment (no index of Tidings has one).
     */
    static void rebuild(Connection connection, IndexDefinition index) throws SQLException {
        String temporary = REBUILT_PREFIX + index.name();
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE " + index.kind() + "INDEX " + quoted(temporary) + " ON " + quoted(index.table())
                    + " (" + String.join(", ", index.columns()) + ")");
            try {
                statement.execute("DROP INDEX " + quoted(index.name()));
            } catch (SQLException e) {
                try {
                    statement.execute("DROP INDEX " + quoted(temporary));
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
            try {
                statement.execute("ALTER INDEX " + quoted(temporary) + " RENAME TO " + quotedName(index.name()));
            } catch (SQLException e) {
                LOG.severe(() -> "index " + index.name() + " was built again as " + temporary + " but not renamed; "
                        + "the next start renames it: " + e.getMessage());
                return;
            }
            if (index.remarks() != null) {
                try {
                    statement.execute("COMMENT ON INDEX " + quoted(index.name()) + " IS '"
                            + index.remarks().replace("'", "''") + "'");
                } catch (SQLException e) {
                    LOG.warning(() -> "index " + index.name() + " was built again without its comment: "
                            + e.getMessage());
                }
            }
        }
    }

    /** The indexes of schema PUBLIC that no constraint uses, plain or unique, with their columns in order. */
    static List<IndexDefinition> plainIndexes(Connection connection) throws SQLException {
        List<IndexDefinition> indexes = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT i.TABLE_NAME, i.INDEX_NAME, i.INDEX_TYPE_NAME, "
                        + "c.COLUMN_NAME, c.ORDERING_SPECIFICATION, c.NULL_ORDERING, i.NULLS_DISTINCT, i.REMARKS "
                        + "FROM INFORMATION_SCHEMA.INDEXES i JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c "
                        + "ON c.INDEX_SCHEMA = i.INDEX_SCHEMA AND c.INDEX_NAME = i.INDEX_NAME "
                        + "WHERE i.TABLE_SCHEMA = 'PUBLIC' AND i.INDEX_TYPE_NAME IN ('INDEX', 'UNIQUE INDEX') "
                        + "AND i.INDEX_NAME NOT LIKE " + REBUILT_LIKE + " AND i.INDEX_NAME NOT LIKE " + REKEYED_LIKE + " "
                        + "AND (i.REMARKS IS NULL OR i.REMARKS NOT LIKE '" + PLAN_MARK + "%') "
                        + "AND NOT EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS t "
                        + "WHERE t.INDEX_SCHEMA = i.INDEX_SCHEMA AND t.INDEX_NAME = i.INDEX_NAME) "
                        + "ORDER BY i.TABLE_NAME, i.INDEX_NAME, c.ORDINAL_POSITION")) {
            IndexDefinition current = null;
            while (rows.next()) {
                String name = rows.getString(2);
                if (current == null || !current.name().equals(name)) {
                    current = new IndexDefinition(rows.getString(1), name, kind(rows.getString(3), rows.getString(7)),
                            new ArrayList<>(), rows.getString(8));
                    indexes.add(current);
                }
                current.columns().add(column(rows, 4));
            }
        }
        return indexes;
    }

    /** The kind of an index as CREATE INDEX spells it, with its NULLS_DISTINCT as INFORMATION_SCHEMA gives it. */
    private static String kind(String type, String nullsDistinct) {
        if (!"UNIQUE INDEX".equals(type)) {
            return "";
        }
        return "UNIQUE " + switch (nullsDistinct == null ? "YES" : nullsDistinct) {
            case "NO" -> "NULLS NOT DISTINCT ";
            case "ALL" -> "NULLS ALL DISTINCT ";
            default -> "NULLS DISTINCT ";
        };
    }

    /**
     * A primary key or unique constraint of schema PUBLIC with an index of its own: its table, its name, its kind as
     * SQL ("PRIMARY KEY", or "UNIQUE NULLS DISTINCT" with the nulls kind of its index), the name of its index, the
     * index's columns as SQL, the constraint's comment and the index's comment.
     */
    record KeyDefinition(String table, String constraint, String kind, String index, List<String> columns,
            String remarks, String indexRemarks) {

        boolean primary() {
            return "PRIMARY KEY".equals(kind);
        }

        /**
         * What a start after a cut rebuild needs besides the table and the columns, kept as the new index's comment
         * until the rebuild is done: a first line that marks it, then the constraint's name, its kind, its index's
         * old name, the constraint's comment and the index's comment (each "=" and the text with its backslashes and
         * line ends escaped, or "-" for none).
         */
        String plan() {
            return String.join("\n", PLAN_MARK, constraint, kind, index, escaped(remarks), escaped(indexRemarks));
        }

        /** The definition a plan holds, with the table and the columns of the index that holds it; null if none. */
        static KeyDefinition ofPlan(String plan, String table, List<String> columns) {
            String[] lines = plan == null ? new String[0] : plan.split("\n", -1);
            if (lines.length != 6 || !PLAN_MARK.equals(lines[0])) {
                return null;
            }
            return new KeyDefinition(table, lines[1], lines[2], lines[3], columns, unescaped(lines[4]),
                    unescaped(lines[5]));
        }

        private static String escaped(String text) {
            return text == null ? "-" : "=" + text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
        }

        private static String unescaped(String field) {
            if (!field.startsWith("=")) {
                return null;
            }
            var text = new StringBuilder();
            for (int i = 1; i < field.length(); i++) {
                char c = field.charAt(i);
                if (c == '\\' && i + 1 < field.length()) {
                    char next = field.charAt(++i);
                    text.append(next == 'n' ? '\n' : next == 'r' ? '\r' : next);
                } else {
                    text.append(c);
                }
            }
            return text.toString();
        }
    }

    /** The first line of a rebuild's plan (see {@link KeyDefinition#plan}). */
    static final String PLAN_MARK = "tidings-rekey";

    /** Called after each step of a constraint's rebuild: a test stops the rebuild there, as a kill would. */
    interface Step {
        void after(String step);
    }

    static Step step = name -> { };

    /**
     * The primary keys and unique constraints of schema PUBLIC whose index H2 made for them ({@code IS_GENERATED}),
     * that share it with no other constraint and that no foreign key references, with their index's columns in order;
     * not a primary key of one integer column in ascending order, which H2 keeps as the table's main map itself (the
     * rows, not an index of them). The nulls kind is the index's: H2 2.2.224 does not keep a unique constraint's own
     * (its SQL says only {@code UNIQUE}), so after a reopen the constraint may say "YES" where its index says "NO".
     */
    static List<KeyDefinition> keys(Connection connection) throws SQLException {
        List<KeyDefinition> keys = new ArrayList<>();
        List<String> types = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT t.TABLE_NAME, t.CONSTRAINT_NAME, t.CONSTRAINT_TYPE, "
                        + "i.NULLS_DISTINCT, t.INDEX_NAME, t.REMARKS, i.REMARKS, c.COLUMN_NAME, "
                        + "c.ORDERING_SPECIFICATION, c.NULL_ORDERING, col.DATA_TYPE "
                        + "FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS t "
                        + "JOIN INFORMATION_SCHEMA.INDEXES i ON i.INDEX_SCHEMA = t.INDEX_SCHEMA "
                        + "AND i.INDEX_NAME = t.INDEX_NAME "
                        + "JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c ON c.INDEX_SCHEMA = i.INDEX_SCHEMA "
                        + "AND c.INDEX_NAME = i.INDEX_NAME "
                        + "JOIN INFORMATION_SCHEMA.COLUMNS col ON col.TABLE_SCHEMA = t.TABLE_SCHEMA "
                        + "AND col.TABLE_NAME = t.TABLE_NAME AND col.COLUMN_NAME = c.COLUMN_NAME "
                        + "WHERE t.TABLE_SCHEMA = 'PUBLIC' AND t.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE') "
                        + "AND i.IS_GENERATED AND t.INDEX_NAME NOT LIKE " + REKEYED_LIKE + " "
                        + "AND NOT EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS r "
                        + "WHERE r.UNIQUE_CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA "
                        + "AND r.UNIQUE_CONSTRAINT_NAME = t.CONSTRAINT_NAME) "
                        + "AND NOT EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS o "
                        + "WHERE o.INDEX_SCHEMA = t.INDEX_SCHEMA AND o.INDEX_NAME = t.INDEX_NAME "
                        + "AND o.CONSTRAINT_NAME <> t.CONSTRAINT_NAME) "
                        + "ORDER BY t.TABLE_NAME, t.CONSTRAINT_NAME, c.ORDINAL_POSITION")) {
            KeyDefinition current = null;
            while (rows.next()) {
                String constraint = rows.getString(2);
                if (current == null || !current.constraint().equals(constraint)) {
                    String type = rows.getString(3);
                    current = new KeyDefinition(rows.getString(1), constraint, "PRIMARY KEY".equals(type) ? type
                            : kind("UNIQUE INDEX", rows.getString(4)).strip(), rows.getString(5), new ArrayList<>(),
                            rows.getString(6), rows.getString(7));
                    keys.add(current);
                    types.add(null);
                }
                current.columns().add(column(rows, 8));
                types.set(types.size() - 1, current.columns().size() == 1 && "ASC".equals(rows.getString(9))
                        ? rows.getString(11) : null);
            }
        }
        List<KeyDefinition> own = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (!(keys.get(i).primary() && types.get(i) != null && ROW_KEY_TYPES.contains(types.get(i)))) {
                own.add(keys.get(i));
            }
        }
        return own;
    }

    /**
     * Builds a constraint's index again from the table's rows. First a unique index under a temporary name, which
     * proves the rows still unique, keeps the key unique while the constraint is gone, and holds the rebuild's plan as
     * its comment; then the constraint is dropped with its old index, and {@link #finish} adds it again. If building
     * the index fails (the rows now hold a duplicate key) or the constraint cannot be dropped, nothing is changed and
     * the failure is thrown; a kill or a failure after the constraint was dropped is finished by the next start
     * ({@code finishCutRekeys}).
     */
    static void rekey(Connection connection, KeyDefinition key) throws SQLException {
        String temporary = REKEYED_PREFIX + key.constraint();
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE " + (key.primary() ? "UNIQUE " : key.kind() + " ") + "INDEX "
                    + quoted(temporary) + " ON " + quoted(key.table()) + " (" + String.join(", ", key.columns())
                    + ")");
            step.after("created");
            try {
                statement.execute("COMMENT ON INDEX " + quoted(temporary) + " IS " + literal(key.plan()));
                step.after("planned");
                statement.execute("ALTER TABLE " + quoted(key.table()) + " DROP CONSTRAINT " + quoted(key.constraint()));
                step.after("dropped");
            } catch (SQLException e) {
                try {
                    if (constraintIndex(connection, key.constraint()) != null) {
                        statement.execute("DROP INDEX " + quoted(temporary));
                    }
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        }
        finish(connection, key, temporary);
    }

    /**
     * The rest of a constraint's rebuild, from any point after its new index holds the plan (also at a start after a
     * kill cut it), each step one statement H2 commits and each safe to do again:
     * <ol>
     * <li>if the constraint is not there: for a unique one, its new index takes the old index's name (so that the
     * constraint's SQL, which names its index and which a later renaming would not change, names it rightly), and the
     * constraint is added on it, with its comment; a primary key is added with its comment and builds its own index
     * (H2 2.2.224 gives it no index made before it);</li>
     * <li>the constraint's index takes the old name if it has another and that is free, and gets back its own comment
     * (a unique constraint's: the plan goes);</li>
     * <li>the constraint's comment is set again, which also writes its SQL again with its index's name;</li>
     * <li>last, the index that held the plan goes if the constraint does not use it.</li>
     * </ol>
     */
    private static void finish(Connection connection, KeyDefinition key, String planned) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (constraintIndex(connection, key.constraint()) == null) {
                String add = "ALTER TABLE " + quoted(key.table()) + " ADD CONSTRAINT " + quoted(key.constraint())
                        + (key.remarks() == null ? "" : " COMMENT " + literal(key.remarks())) + " " + key.kind();
                if (key.primary()) {
                    // a primary key's columns hold no nulls, and its index shows no null ordering
                    statement.execute(add + " (" + key.columns().stream()
                            .map(column -> column.replaceFirst(" NULLS (FIRST|LAST)$", ""))
                            .collect(java.util.stream.Collectors.joining(", ")) + ")");
                } else {
                    if (!planned.equals(key.index()) && !indexExists(connection, key.index())) {
                        statement.execute("ALTER INDEX " + quoted(planned) + " RENAME TO " + quotedName(key.index()));
                        planned = key.index();
                        step.after("renamed");
                    }
                    statement.execute(add + " (" + String.join(", ", key.columns()) + ") INDEX " + quoted(planned));
                }
                step.after("added");
            }
            String now = constraintIndex(connection, key.constraint());
            if (!now.equals(planned) && !now.equals(key.index()) && !indexExists(connection, key.index())) {
                statement.execute("ALTER INDEX " + quoted(now) + " RENAME TO " + quotedName(key.index()));
                now = key.index();
                step.after("index renamed");
            }
            statement.execute("COMMENT ON CONSTRAINT " + quoted(key.constraint()) + " IS "
                    + (key.remarks() == null ? "NULL" : literal(key.remarks())));
            step.after("constraint commented");
            statement.execute("COMMENT ON INDEX " + quoted(now) + " IS "
                    + (key.indexRemarks() == null ? "NULL" : literal(key.indexRemarks())));
            step.after("index commented");
            if (!now.equals(planned)) {
                statement.execute("DROP INDEX " + quoted(planned));
                step.after("temporary dropped");
            }
        }
    }

    /**
     * At every start, before anything else: finishes the rebuilds of constraints that a kill or a failure cut. An index
     * whose comment is a plan is finished by {@link #finish}. An index under the temporary name without a plan was
     * made while its constraint still stood (the plan is written before the constraint is dropped), and goes.
     */
    private static void finishCutRekeys(Connection connection) throws SQLException {
        // a pass may leave a plan for the next (a rebuild that failed half-way is rebuilt again, carrying its
        // predecessor's plan over as the index's comment); three passes settle what can be settled
        for (int pass = 0; pass < 3 && finishCutRekeysOnce(connection); pass++) {
            // again
        }
    }

    /** One pass of {@link #finishCutRekeys}; true if it found something to finish. */
    private static boolean finishCutRekeysOnce(Connection connection) throws SQLException {
        List<String[]> cut = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT INDEX_NAME, TABLE_NAME, REMARKS "
                        + "FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_SCHEMA = 'PUBLIC' AND (INDEX_NAME LIKE "
                        + REKEYED_LIKE + " OR REMARKS LIKE '" + PLAN_MARK + "%') ORDER BY INDEX_NAME")) {
            while (rows.next()) {
                cut.add(new String[] {rows.getString(1), rows.getString(2), rows.getString(3)});
            }
        }
        for (String[] index : cut) {
            String name = index[0];
            try {
                KeyDefinition key = KeyDefinition.ofPlan(index[2], index[1], indexColumns(connection, name));
                String constraint = name.substring(Math.min(name.length(), REKEYED_PREFIX.length()));
                String used = key == null ? constraintIndex(connection, constraint) : null;
                if (key != null) {
                    finish(connection, key, name);
                } else if (used != null && !used.equals(name)) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("DROP INDEX " + quoted(name));
                    }
                } else {
                    throw new SQLException("it holds no plan of the rebuild, and its constraint " + constraint
                            + (used == null ? " is not there" : " uses it"));
                }
            } catch (SQLException e) {
                LOG.severe(() -> "the index " + name + " of table " + index[1] + ", built again for a constraint "
                        + "when the process stopped, could not be put in its place (it keeps the key unique; the "
                        + "next start tries again): " + e.getMessage());
            }
        }
        return !cut.isEmpty();
    }

    /** The index a constraint of schema PUBLIC uses, or null if there is no such constraint. */
    private static String constraintIndex(Connection connection, String constraint) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT INDEX_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS "
                + "WHERE CONSTRAINT_SCHEMA = 'PUBLIC' AND CONSTRAINT_NAME = ?")) {
            statement.setString(1, constraint);
            try (var rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** An index's columns as SQL, in order. */
    private static List<String> indexColumns(Connection connection, String index) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (var statement = connection.prepareStatement("SELECT COLUMN_NAME, ORDERING_SPECIFICATION, NULL_ORDERING "
                + "FROM INFORMATION_SCHEMA.INDEX_COLUMNS WHERE INDEX_SCHEMA = 'PUBLIC' AND INDEX_NAME = ? "
                + "ORDER BY ORDINAL_POSITION")) {
            statement.setString(1, index);
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(column(rows, 1));
                }
            }
        }
        return columns;
    }

    /**
     * An index column as SQL ({@code "C" DESC NULLS FIRST}) from a row that has INFORMATION_SCHEMA.INDEX_COLUMNS'
     * COLUMN_NAME, ORDERING_SPECIFICATION and NULL_ORDERING from column {@code first} on.
     */
    private static String column(java.sql.ResultSet rows, int first) throws SQLException {
        String nulls = rows.getString(first + 2);
        return quotedName(rows.getString(first)) + " " + rows.getString(first + 1)
                + (nulls == null ? "" : " NULLS " + nulls);
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /**
     * An index built under the temporary name when a kill cut its rebuild: it takes the old name if no index has it
     * (the old one was dropped already), and goes otherwise (the old one was not, and is rebuilt with the others).
     */
    private static void finishCutRebuilds(Connection connection) throws SQLException {
        List<String> cut = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES "
                        + "WHERE TABLE_SCHEMA = 'PUBLIC' AND INDEX_NAME LIKE " + REBUILT_LIKE)) {
            while (rows.next()) {
                cut.add(rows.getString(1));
            }
        }
        for (String temporary : cut) {
            String name = temporary.substring(REBUILT_PREFIX.length());
            try (Statement statement = connection.createStatement()) {
                if (indexExists(connection, name)) {
                    statement.execute("DROP INDEX " + quoted(temporary));
                } else {
                    statement.execute("ALTER INDEX " + quoted(temporary) + " RENAME TO " + quotedName(name));
                }
            }
        }
    }

    private static boolean indexExists(Connection connection, String name) throws SQLException {
        return count(connection, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES "
                + "WHERE TABLE_SCHEMA = 'PUBLIC' AND INDEX_NAME = ?", name) > 0;
    }

    private static String quoted(String name) {
        return "\"PUBLIC\"." + quotedName(name);
    }

    private static String quotedName(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * True for H2 whose engine runs in this process on a file: not over TCP or TLS ({@code jdbc:h2:tcp:},
     * {@code jdbc:h2:ssl:}), not in memory ({@code jdbc:h2:mem:}).
     */
    static boolean embeddedH2(Connection connection) throws SQLException {
        var metaData = connection.getMetaData();
        return CommitDurability.H2.equals(metaData.getDatabaseProductName()) && embeddedH2(metaData.getURL());
    }

    /**
     * True for the JDBC URL of an H2 database whose engine would run in this process on a file, and in no other: not
     * with {@code AUTO_SERVER=TRUE}, where a second process may open it through the first, so that neither's start
     * may rebuild under the other and neither's stop may mark the database clean for both.
     */
    public static boolean embeddedH2(String url) {
        String lower = url.toLowerCase(Locale.ROOT).replace(" ", "");
        return lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:tcp:") && !lower.startsWith("jdbc:h2:ssl:")
                && !lower.startsWith("jdbc:h2:mem:") && !lower.contains(";auto_server=true");
    }

    private static boolean markerTableExists(Connection connection) throws SQLException {
        return count(connection, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES "
                + "WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME = ?", MARKER) > 0;
    }

    /** The count a query with one parameter, {@code name}, gives. */
    private static int count(Connection connection, String query, String name) throws SQLException {
        try (var statement = connection.prepareStatement(query)) {
            statement.setString(1, name);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
