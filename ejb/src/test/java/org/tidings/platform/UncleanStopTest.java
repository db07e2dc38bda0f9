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
 * After a stop that left no mark, the indexes of an embedded H2 database that no constraint uses are built again from
 * their tables' rows: an index out of step with its table (what a commit cut by a kill -9 can leave, h2database#2080)
 * holds exactly the table's rows again and its rows can be updated, and the schema and the rows come through as they
 * were. A rebuild cut by a kill is finished, one that cannot be done leaves the index as it was, and after a clean
 * stop, or on a database whose engine does not run in this process, nothing is rebuilt.
 */
class UncleanStopTest {

    @TempDir
    Path work;

    @Test
    void aStartAfterAStopThatLeftNoMarkRebuildsTheIndexesNoConstraintUsesAndAfterAMarkedOneNone() throws Exception {
        String url = migratedFileDatabase("marks");
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            List<String> plain = UncleanStop.plainIndexes(connection).stream().map(UncleanStop.IndexDefinition::name)
                    .toList();
            assertThat(plain).contains("DELIVERY_SUBSCRIPTION_SEQ", "DELIVERY_QUEUE", "ACCEPTED_EVENT_AGE",
                    "flyway_schema_history_s_idx")
                    .as("those of constraints: primary keys, unique constraints, a foreign key's")
                    .doesNotContain("SUBSCRIPTION_SINK").noneMatch(name -> name.startsWith("PRIMARY_KEY"))
                    .noneMatch(name -> name.startsWith("CONSTRAINT_") || name.contains("_UNIQUE_INDEX_"));

            UncleanStop.markCleanStop(connection);
            assertThat(UncleanStop.repairIfUnclean(connection)).as("after a clean stop").isEmpty();
            assertThat(count(connection, "SELECT COUNT(*) FROM " + UncleanStop.MARKER)).as("the mark is taken away")
                    .isZero();

            assertThat(UncleanStop.repairIfUnclean(connection)).as("after a stop that left no mark")
                    .containsExactlyInAnyOrderElementsOf(plain);
            assertThat(UncleanStop.repairIfUnclean(connection)).as("a start killed during its rebuild rebuilds again")
                    .containsExactlyInAnyOrderElementsOf(plain);
        }
    }

    @Test
    void theRebuildMendsAnIndexOutOfStepWithItsTable() throws Exception {
        String url = itemDatabase("damaged");
        // the damage a commit kept in part leaves, made with H2's own index and table: row 2 without its entry in
        // the index, and an entry for row 3 in the index without the row in the table. The index holds every column
        // (with the key), so that a query could take it for the table.
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            Index index = index(connection, "ITEM_OWNER");
            Table table = index.getTable();
            SessionLocal session = session(connection);
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

            assertThat(UncleanStop.repairIfUnclean(connection)).containsExactly("ITEM_OWNER");

            assertThat(rows(connection, "SELECT id FROM item USE INDEX (item_owner) WHERE owner = 'bob'"))
                    .as("the index holds the table's rows, and nothing else").containsExactly("2");
            assertThat(update(connection, "UPDATE item SET owner = 'cy', n = 20 WHERE id = 2")).isEqualTo(1);
            assertThat(rows(connection, "SELECT id, owner, n FROM item ORDER BY id")).containsExactly("1 | ann | 1",
                    "2 | cy | 20");
            assertThat(rows(connection, "SELECT id FROM item USE INDEX (item_owner) WHERE owner = 'cy'"))
                    .containsExactly("2");
            closeWithoutTheFinalStore(connection);
        }
    }

    @Test
    void aUniqueIndexWhoseRowsNowHoldADuplicateIsLeftAsItWasAndTheOthersAreRebuilt() throws Exception {
        String url = itemDatabase("duplicate");
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE UNIQUE INDEX item_code ON item (n)");
            // row 2's entry lost from the unique index lets a second row with its value in
            Index index = index(connection, "ITEM_CODE");
            index.remove(session(connection), index.getTable().getRow(session(connection), 2));
            session(connection).commit(false);
            statement.execute("INSERT INTO item VALUES (4, 'dee', 2)");
        }
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            assertThat(UncleanStop.repairIfUnclean(connection)).containsExactly("ITEM_OWNER");
            assertThat(rows(connection, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES "
                    + "WHERE TABLE_NAME = 'ITEM' ORDER BY INDEX_NAME"))
                    .as("the unique index kept, nothing left under the temporary name")
                    .contains("ITEM_CODE", "ITEM_OWNER").noneMatch(name -> name.startsWith(UncleanStop.REBUILT_PREFIX));
            closeWithoutTheFinalStore(connection);
        }
    }

    @Test
    void aRebuildCutByAKillIsFinishedAtTheNextStartCleanOrNot() throws Exception {
        for (boolean clean : new boolean[] {true, false}) {
            String url = itemDatabase("cut-" + clean);
            try (Connection connection = DriverManager.getConnection(url, "sa", "");
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE INDEX item_n ON item (n)");
                // cut after the new one was built: both there
                statement.execute("CREATE INDEX " + UncleanStop.REBUILT_PREFIX + "ITEM_OWNER ON item (owner, n)");
                // cut after the old one was dropped: the new one alone, under its temporary name
                statement.execute("CREATE INDEX " + UncleanStop.REBUILT_PREFIX + "ITEM_N ON item (n)");
                statement.execute("DROP INDEX item_n");
                // not one of them: an underscore of the prefix is a LIKE wildcard
                statement.execute("CREATE INDEX \"TIDINGSXREBUILTXITEM\" ON item (owner)");
                if (clean) {
                    UncleanStop.markCleanStop(connection);
                }

                assertThat(UncleanStop.repairIfUnclean(connection)).as("clean: %s", clean).isEqualTo(clean
                        ? List.of() : List.of("ITEM_N", "ITEM_OWNER", "TIDINGSXREBUILTXITEM"));
                assertThat(rows(connection, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES "
                        + "WHERE TABLE_NAME = 'ITEM' AND INDEX_TYPE_NAME = 'INDEX' ORDER BY INDEX_NAME"))
                        .containsExactly("ITEM_N", "ITEM_OWNER", "TIDINGSXREBUILTXITEM");
                assertThat(rows(connection, "SELECT id FROM item USE INDEX (item_n) WHERE n = 2"))
                        .containsExactly("2");
            }
        }
    }

    @Test
    void anIndexThatCannotBeDroppedKeepsItsPlaceAndTheNewOneGoes() throws Exception {
        String url = itemDatabase("kept-in-place");
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            // an index a foreign key uses, given to rebuild as if it were a plain one: H2 refuses to drop it (90085)
            statement.execute("CREATE TABLE tag (item_id BIGINT NOT NULL)");
            statement.execute("CREATE INDEX tag_item ON tag (item_id)");
            statement.execute("ALTER TABLE tag ADD CONSTRAINT tag_item_fk FOREIGN KEY (item_id) REFERENCES item (id)");
            var index = new UncleanStop.IndexDefinition("TAG", "TAG_ITEM", "", List.of("\"ITEM_ID\" ASC"), null);

            assertThatThrownBy(() -> UncleanStop.rebuild(connection, index)).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(90085);
            assertThat(rows(connection, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'TAG'"))
                    .containsExactly("TAG_ITEM");
        }
    }

    @Test
    void aRebuiltIndexKeepsItsKindItsOrderAndItsComment() throws Exception {
        String url = itemDatabase("kinds");
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE UNIQUE NULLS NOT DISTINCT INDEX item_n ON item (n DESC NULLS LAST)");
            statement.execute("COMMENT ON INDEX item_owner IS 'by owner''s name'");
            String query = "SELECT i.INDEX_NAME, i.INDEX_TYPE_NAME, i.NULLS_DISTINCT, i.REMARKS, c.COLUMN_NAME, "
                    + "c.ORDERING_SPECIFICATION, c.NULL_ORDERING FROM INFORMATION_SCHEMA.INDEXES i "
                    + "JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c ON c.INDEX_NAME = i.INDEX_NAME "
                    + "WHERE i.TABLE_NAME = 'ITEM' ORDER BY i.INDEX_NAME, c.ORDINAL_POSITION";
            List<String> before = rows(connection, query);
            assertThat(before).contains("ITEM_N | UNIQUE INDEX | NO | null | N | DESC | LAST",
                    "ITEM_OWNER | INDEX | null | by owner's name | OWNER | ASC | FIRST");

            assertThat(UncleanStop.repairIfUnclean(connection)).containsExactlyInAnyOrder("ITEM_N", "ITEM_OWNER");

            assertThat(rows(connection, query)).containsExactlyElementsOf(before);
            statement.execute("INSERT INTO item VALUES (4, 'dee', NULL)");
            assertThatThrownBy(() -> update(connection, "INSERT INTO item VALUES (5, 'eve', NULL)"))
                    .as("nulls not distinct, still").isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(23505);
        }
    }

    @Test
    void theRebuildKeepsTheSchemaAndTheRows() throws Exception {
        String url = migratedFileDatabase("kept");
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO audit_log (changed_at, actor, action, target_type, target_id, summary) "
                    + "VALUES (CURRENT_TIMESTAMP, 'admin', 'created', 'source', 'a', NULL), "
                    + "(CURRENT_TIMESTAMP, 'admin', 'created', 'source', 'b', NULL)");
            List<String> schema = schema(connection);
            List<String> rows = rows(connection, "SELECT * FROM audit_log ORDER BY id");

            assertThat(UncleanStop.repairIfUnclean(connection)).contains("AUDIT_LOG_TIME", "AUDIT_LOG_ACTOR");

            assertThat(schema(connection)).as("tables, columns, indexes with their order, constraints, by name")
                    .containsExactlyElementsOf(schema);
            assertThat(rows(connection, "SELECT * FROM audit_log ORDER BY id")).isEqualTo(rows);
            assertThat(rows(connection, "SELECT target_id FROM audit_log USE INDEX (audit_log_actor) "
                    + "WHERE actor = 'admin' ORDER BY changed_at DESC, id DESC")).containsExactly("b", "a");
        }
    }

    @Test
    void aDatabaseWhoseEngineIsNotInThisProcessIsLeftAlone() throws Exception {
        String url = "jdbc:h2:mem:unclean-stop;DB_CLOSE_DELAY=-1";
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            Flyway.configure(UncleanStopTest.class.getClassLoader()).dataSource(url, "sa", "")
                    .locations("classpath:db/migration").load().migrate();
            assertThat(UncleanStop.embeddedH2(connection)).isFalse();
            assertThat(UncleanStop.repairIfUnclean(connection)).isEmpty();
        }
        assertThat(UncleanStop.embeddedH2("jdbc:h2:tcp://127.0.0.1:9092/tidings")).isFalse();
        assertThat(UncleanStop.embeddedH2("jdbc:h2:ssl://127.0.0.1:9092/tidings")).isFalse();
        assertThat(UncleanStop.embeddedH2("jdbc:postgresql://127.0.0.1:5432/tidings")).isFalse();
        assertThat(UncleanStop.embeddedH2("jdbc:h2:file:./data/db/tidings;WRITE_DELAY=0")).isTrue();
        assertThat(UncleanStop.embeddedH2("jdbc:h2:./data/db/tidings")).isTrue();
    }

    /**
     * Closes a database this test damaged with H2's internals without H2's final store: at a normal close H2 asserts
     * that no reader holds an older version (MVStore.closeStore, checked as the tests run, with -ea), and after this
     * damage and a statement H2 gave up on at its lock timeout the assertion once tripped in a full run. The database
     * goes with the test.
     */
    private static void closeWithoutTheFinalStore(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN IMMEDIATELY");
        }
    }

    private static SessionLocal session(Connection connection) {
        return (SessionLocal) ((JdbcConnection) connection).getSession();
    }

    /** H2's own object for an index of schema PUBLIC, to damage it with. */
    private static Index index(Connection connection, String name) {
        SessionLocal session = session(connection);
        return session.getDatabase().getSchema("PUBLIC").findIndex(session, name);
    }

    /** A file database with the marker table and a table {@code item} of three rows, indexed by owner and n. */
    private String itemDatabase(String name) throws SQLException {
        String url = "jdbc:h2:file:" + work.resolve(name) + ";LOCK_TIMEOUT=500";
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE CLEAN_STOP (STOPPED_AT TIMESTAMP WITH TIME ZONE NOT NULL)");
            statement.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, owner VARCHAR(20) NOT NULL, n INT)");
            statement.execute("CREATE INDEX item_owner ON item (owner, n)");
            statement.execute("INSERT INTO item VALUES (1, 'ann', 1), (2, 'bob', 2), (3, 'bob', 3)");
        }
        return url;
    }

    private String migratedFileDatabase(String name) {
        String url = "jdbc:h2:file:" + work.resolve(name) + ";WRITE_DELAY=0";
        Flyway.configure(UncleanStopTest.class.getClassLoader()).dataSource(url, "sa", "")
                .locations("classpath:db/migration").load().migrate();
        return url;
    }

    /** Everything of schema PUBLIC a rebuild must keep, each as a line. */
    private static List<String> schema(Connection connection) throws SQLException {
        List<String> schema = new ArrayList<>();
        schema.addAll(rows(connection, "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, "
                + "CHARACTER_MAXIMUM_LENGTH, IS_NULLABLE, COLUMN_DEFAULT, IS_IDENTITY, IDENTITY_GENERATION "
                + "FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY TABLE_NAME, COLUMN_NAME"));
        schema.addAll(rows(connection, "SELECT i.TABLE_NAME, i.INDEX_NAME, i.INDEX_TYPE_NAME, c.COLUMN_NAME, "
                + "c.ORDINAL_POSITION, c.ORDERING_SPECIFICATION, c.NULL_ORDERING FROM INFORMATION_SCHEMA.INDEXES i "
                + "JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c ON c.INDEX_SCHEMA = i.INDEX_SCHEMA "
                + "AND c.INDEX_NAME = i.INDEX_NAME WHERE i.TABLE_SCHEMA = 'PUBLIC' "
                + "ORDER BY i.TABLE_NAME, i.INDEX_NAME, c.ORDINAL_POSITION"));
        schema.addAll(rows(connection, "SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE, INDEX_NAME "
                + "FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = 'PUBLIC' "
                + "ORDER BY TABLE_NAME, CONSTRAINT_NAME"));
        schema.addAll(rows(connection, "SELECT CONSTRAINT_NAME, UNIQUE_CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE "
                + "FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'PUBLIC' "
                + "ORDER BY CONSTRAINT_NAME"));
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
