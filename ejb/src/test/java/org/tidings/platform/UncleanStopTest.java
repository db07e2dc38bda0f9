package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.table.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a stop that left no mark, an embedded H2 database's tables and indexes are rebuilt from their rows: an index
 * that lost its entries (what a commit cut by a kill -9 can leave, h2database#2080) answers right again and its rows
 * can be updated, and the schema, the rows and the identity counters come through as they were. After a clean stop,
 * and on a database whose engine does not run in this process, nothing is rebuilt.
 */
class UncleanStopTest {

    @TempDir
    Path work;

    @Test
    void aStartAfterAStopThatLeftNoMarkRebuildsEveryTableAndAfterAMarkedOneNone() throws Exception {
        String url = migratedFileDatabase("marks");
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            List<String> tables = tables(connection);
            assertThat(tables).contains(UncleanStop.MARKER, "ACCEPTED_EVENT", "DELIVERY", "flyway_schema_history");

            UncleanStop.markCleanStop(connection);
            assertThat(UncleanStop.repairIfUnclean(connection)).as("after a clean stop").isEmpty();
            assertThat(count(connection, "SELECT COUNT(*) FROM " + UncleanStop.MARKER)).as("the mark is taken away")
                    .isZero();

            assertThat(UncleanStop.repairIfUnclean(connection)).as("after a stop that left no mark")
                    .containsExactlyInAnyOrderElementsOf(tables);
            assertThat(UncleanStop.repairIfUnclean(connection)).as("a start killed during its rebuild rebuilds again")
                    .containsExactlyInAnyOrderElementsOf(tables);
        }
    }

    @Test
    void theRebuildMendsAnIndexThatLostItsEntries() throws Exception {
        String file = work.resolve("damaged").toString();
        String url = "jdbc:h2:file:" + file + ";LOCK_TIMEOUT=500";
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE CLEAN_STOP (STOPPED_AT TIMESTAMP WITH TIME ZONE NOT NULL)");
            statement.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, owner VARCHAR(20) NOT NULL, n INT)");
            statement.execute("CREATE INDEX item_owner ON item (owner)");
            statement.execute("INSERT INTO item VALUES (1, 'ann', 1), (2, 'bob', 2), (3, 'bob', 3)");
        }
        // the damage a commit kept in part leaves, made with H2's own index and table: row 2 without its entry in
        // the index, and an entry for row 3 in the index without the row in the table
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            var session = (SessionLocal) ((JdbcConnection) connection).getSession();
            Index index = session.getDatabase().getSchema("PUBLIC").findIndex(session, "ITEM_OWNER");
            Table table = index.getTable();
            index.remove(session, table.getRow(session, 2));
            table.getScanIndex(session).remove(session, table.getRow(session, 3));
            session.commit(false);
        }
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            assertThat(rows(connection, "SELECT id FROM item USE INDEX (item_owner) WHERE owner = 'bob'"))
                    .as("read through the damaged index").containsExactly("3");
            // H2 tries the statement again until its lock timeout, as the dispatcher saw it in bench/crash
            assertThatThrownBy(() -> update(connection, "UPDATE item SET owner = 'cy', n = 20 WHERE id = 2"))
                    .as("an update must take the row's entry out of the index").isInstanceOf(SQLException.class)
                    .hasMessageContaining("Timeout trying to lock table")
                    .hasRootCauseMessage("Row not found when trying to delete from index \"PUBLIC.ITEM_OWNER: 2\""
                            + " [90112-224]");

            assertThat(UncleanStop.repairIfUnclean(connection)).containsExactlyInAnyOrder("CLEAN_STOP", "ITEM");

            assertThat(rows(connection, "SELECT id FROM item USE INDEX (item_owner) WHERE owner = 'bob'"))
                    .as("the index holds the table's rows, and nothing else").containsExactly("2");
            assertThat(update(connection, "UPDATE item SET owner = 'cy', n = 20 WHERE id = 2")).isEqualTo(1);
            assertThat(rows(connection, "SELECT id, owner, n FROM item ORDER BY id")).containsExactly("1 | ann | 1",
                    "2 | cy | 20");
        }
    }

    @Test
    void theRebuildKeepsTheSchemaTheRowsAndTheIdentityCounters() throws Exception {
        String url = migratedFileDatabase("kept");
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO audit_log (changed_at, actor, action, target_type, target_id, summary) "
                    + "VALUES (CURRENT_TIMESTAMP, 'admin', 'created', 'source', 'a', NULL), "
                    + "(CURRENT_TIMESTAMP, 'admin', 'created', 'source', 'b', NULL)");
            long lastId = count(connection, "SELECT MAX(id) FROM audit_log");
            List<String> schema = schema(connection);
            List<String> rows = rows(connection, "SELECT * FROM audit_log ORDER BY id");

            UncleanStop.repairIfUnclean(connection);

            assertThat(schema(connection)).as("tables, columns, indexes and constraints, by name")
                    .containsExactlyElementsOf(schema);
            assertThat(rows(connection, "SELECT * FROM audit_log ORDER BY id")).isEqualTo(rows);
            statement.execute("INSERT INTO audit_log (changed_at, actor, action, target_type, target_id, summary) "
                    + "VALUES (CURRENT_TIMESTAMP, 'admin', 'created', 'source', 'c', NULL)");
            assertThat(count(connection, "SELECT MAX(id) FROM audit_log")).as("the identity goes on")
                    .isGreaterThan(lastId);
        }
    }

    @Test
    void aDatabaseWhoseEngineIsNotInThisProcessIsLeftAlone() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:unclean-stop;DB_CLOSE_DELAY=-1", "sa",
                "")) {
            Flyway.configure(UncleanStopTest.class.getClassLoader())
                    .dataSource("jdbc:h2:mem:unclean-stop;DB_CLOSE_DELAY=-1", "sa", "")
                    .locations("classpath:db/migration").load().migrate();
            assertThat(UncleanStop.embeddedH2(connection)).isFalse();
            assertThat(UncleanStop.repairIfUnclean(connection)).isEmpty();
        }
    }

    private String migratedFileDatabase(String name) {
        String url = "jdbc:h2:file:" + work.resolve(name) + ";WRITE_DELAY=0";
        Flyway.configure(UncleanStopTest.class.getClassLoader()).dataSource(url, "sa", "")
                .locations("classpath:db/migration").load().migrate();
        return url;
    }

    private static List<String> tables(Connection connection) throws SQLException {
        return rows(connection, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' "
                + "AND TABLE_TYPE = 'BASE TABLE'");
    }

    /** Everything of schema PUBLIC a rebuild must keep, each as a line. */
    private static List<String> schema(Connection connection) throws SQLException {
        List<String> schema = new ArrayList<>();
        schema.addAll(rows(connection, "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, "
                + "CHARACTER_MAXIMUM_LENGTH, IS_NULLABLE, COLUMN_DEFAULT, IS_IDENTITY, IDENTITY_GENERATION "
                + "FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY TABLE_NAME, COLUMN_NAME"));
        // an index that backs a constraint has a generated name, which the copy generates anew: named by its constraint
        schema.addAll(rows(connection, "SELECT i.TABLE_NAME, COALESCE((SELECT t.CONSTRAINT_NAME "
                + "FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS t WHERE t.INDEX_SCHEMA = i.INDEX_SCHEMA "
                + "AND t.INDEX_NAME = i.INDEX_NAME FETCH FIRST ROW ONLY), i.INDEX_NAME), i.INDEX_TYPE_NAME, c.COLUMN_NAME, "
                + "c.ORDINAL_POSITION, c.ORDERING_SPECIFICATION FROM INFORMATION_SCHEMA.INDEXES i "
                + "JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c ON c.INDEX_SCHEMA = i.INDEX_SCHEMA "
                + "AND c.INDEX_NAME = i.INDEX_NAME WHERE i.TABLE_SCHEMA = 'PUBLIC' "
                + "ORDER BY 1, 2, c.ORDINAL_POSITION"));
        schema.addAll(rows(connection, "SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE "
                + "FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = 'PUBLIC' "
                + "ORDER BY TABLE_NAME, CONSTRAINT_NAME"));
        schema.addAll(rows(connection, "SELECT CONSTRAINT_NAME, UNIQUE_CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE "
                + "FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'PUBLIC' "
                + "ORDER BY CONSTRAINT_NAME"));
        schema.addAll(rows(connection, "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM INFORMATION_SCHEMA.CHECK_CONSTRAINTS "
                + "WHERE CONSTRAINT_SCHEMA = 'PUBLIC' ORDER BY CONSTRAINT_NAME"));
        return schema;
    }

    private static List<String> rows(Connection connection, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); var result = statement.executeQuery(query)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                var line = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    line.append(i > 1 ? " | " : "").append(result.getString(i));
                }
                rows.add(line.toString());
            }
        }
        return rows;
    }

    private static long count(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); var result = statement.executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static int update(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }
}
