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

            List<String> keys = UncleanStop.keys(connection).stream().map(UncleanStop.KeyDefinition::constraint)
                    .toList();
            assertThat(keys).as("the event's record, the sequences, the ledger's notification ids")
                    .contains(constraint(connection, "ACCEPTED_EVENT", "PRIMARY KEY"),
                            constraint(connection, "SUBSCRIPTION_SEQUENCE", "PRIMARY KEY"),
                            "DELIVERY_NOTIFICATION_UNIQUE", "SOURCE_URI_UNIQUE")
                    .as("a key a foreign key references, and keys that are the rows' own (one integer column)")
                    .doesNotContain(constraint(connection, "SINK", "PRIMARY KEY"),
                            constraint(connection, "DELIVERY", "PRIMARY KEY"), "flyway_schema_history_pk");
            List<String> all = new ArrayList<>(plain);
            UncleanStop.keys(connection).forEach(key -> all.add(key.index()));

            UncleanStop.markCleanStop(connection);
            assertThat(UncleanStop.repairIfUnclean(connection)).as("after a clean stop").isEmpty();
            assertThat(count(connection, "SELECT COUNT(*) FROM " + UncleanStop.MARKER)).as("the mark is taken away")
                    .isZero();

            assertThat(UncleanStop.repairIfUnclean(connection)).as("after a stop that left no mark")
                    .containsExactlyInAnyOrderElementsOf(all);
            assertThat(UncleanStop.repairIfUnclean(connection)).as("a start killed during its rebuild rebuilds again")
                    .containsExactlyInAnyOrderElementsOf(all);
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
    void theRebuildMendsTheIndexOfTheEventRecordsPrimaryKeyAndKeepsTheConstraint() throws Exception {
        String url = migratedFileDatabase("key") + ";LOCK_TIMEOUT=500";
        String constraint;
        String key;
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            constraint = constraint(connection, "ACCEPTED_EVENT", "PRIMARY KEY");
            key = constraintIndex(connection, constraint);
            for (int k = 1; k <= 3; k++) {
                assertThat(claim(connection, k)).isEqualTo(1);
            }
            // record 2 without its entry in the key's index, and record 3's entry without the record
            Index index = index(connection, key);
            Table table = index.getTable();
            SessionLocal session = session(connection);
            index.remove(session, record(connection, table, 2));
            table.getScanIndex(session).remove(session, record(connection, table, 3));
            session.commit(false);
        }
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            assertThat(count(connection, "SELECT COUNT(*) FROM accepted_event WHERE event_key = X'02'"))
                    .as("record 2, looked up by its key").isZero();
            assertThat(rows(connection, "SELECT RAWTOHEX(event_key) FROM accepted_event USE INDEX (\"" + key
                    + "\") WHERE event_key >= X'00' ORDER BY 1")).as("the records as the key's index has them").containsExactly("01", "03");
            assertThat(claim(connection, 3)).as("event 3, whose record was not kept but its key's entry was, is "
                    + "taken for a duplicate: it would be acknowledged and not forwarded").isZero();

            assertThat(UncleanStop.repairIfUnclean(connection)).contains(key, "ACCEPTED_EVENT_AGE");

            assertThat(rows(connection, "SELECT CONSTRAINT_TYPE, INDEX_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS "
                    + "WHERE CONSTRAINT_NAME = '" + constraint + "'")).containsExactly("PRIMARY KEY | " + key);
            assertThat(count(connection, "SELECT COUNT(*) FROM accepted_event WHERE event_key = X'02'"))
                    .as("record 2, looked up by its key").isOne();
            assertThat(claim(connection, 2)).as("event 2 again: a duplicate").isZero();
            assertThat(claim(connection, 3)).as("event 3, claimed now").isOne();
            assertThatThrownBy(() -> update(connection, "INSERT INTO accepted_event (event_key, accepted_at) "
                    + "VALUES (X'01', CURRENT_TIMESTAMP)")).as("the key is still a primary key")
                    .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getErrorCode())
                    .isEqualTo(23505);
            assertThat(rows(connection, "SELECT RAWTOHEX(event_key) FROM accepted_event USE INDEX (\"" + key
                    + "\") WHERE event_key >= X'00' ORDER BY 1")).containsExactly("01", "02", "03");
            assertThat(rows(connection, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES "
                    + "WHERE TABLE_NAME = 'ACCEPTED_EVENT' ORDER BY INDEX_NAME"))
                    .containsExactly("ACCEPTED_EVENT_AGE", key);
            closeWithoutTheFinalStore(connection);
        }
    }

    @Test
    void aUniqueConstraintWhoseRowsNowHoldADuplicateIsLeftAsItWasAndItsPrimaryKeyIsRebuilt() throws Exception {
        String url = itemDatabase("duplicate-key");
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE ticket (id UUID PRIMARY KEY, code INT CONSTRAINT ticket_code UNIQUE)");
            statement.execute("INSERT INTO ticket VALUES (RANDOM_UUID(), 1), (RANDOM_UUID(), 2)");
            // row 2's entry lost from the constraint's index lets a second row with its code in
            Index index = index(connection, constraintIndex(connection, "TICKET_CODE"));
            SessionLocal session = session(connection);
            Table table = index.getTable();
            var cursor = table.getScanIndex(session).find(session, null, null);
            while (cursor.next()) {
                if (cursor.get().getValue(1).getInt() == 2) {
                    index.remove(session, cursor.get());
                }
            }
            session.commit(false);
            statement.execute("INSERT INTO ticket VALUES (RANDOM_UUID(), 2)");
        }
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            String codes = constraintIndex(connection, "TICKET_CODE");
            String key = constraintIndex(connection, constraint(connection, "TICKET", "PRIMARY KEY"));

            List<String> failed = new ArrayList<>();
            assertThat(UncleanStop.repairIfUnclean(connection, failed)).containsExactlyInAnyOrder(key, "ITEM_OWNER");
            assertThat(failed).containsExactly(codes);

            assertThat(constraintIndex(connection, "TICKET_CODE")).as("the constraint kept, with its index")
                    .isEqualTo(codes);
            assertThat(rows(connection, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES "
                    + "WHERE TABLE_NAME = 'TICKET' ORDER BY INDEX_NAME")).as("nothing left under a temporary name")
                    .containsExactlyInAnyOrder(codes, key);
            assertThat(count(connection, "SELECT COUNT(*) FROM ticket")).isEqualTo(3);
            closeWithoutTheFinalStore(connection);
        }
    }

    @Test
    void aConstraintsRebuildCutByAKillAtAnyStepIsFinishedAtTheNextStartCleanOrNot() throws Exception {
        String template = ticketDatabase("template");
        List<String> before;
        try (Connection connection = DriverManager.getConnection(template, "sa", "")) {
            before = schema(connection);
        }
        List<String> cuts = new ArrayList<>();
        // each step cut with a clean start next, which only finishes the cut rebuild, and every third with an unclean
        // one, which then rebuilds everything again
        for (int run = 0; ; run++) {
            // runs 0, 1, 2: steps 1, 2, 3 with a clean start next; run 3: step 3 with an unclean one; and so on
            int cut = run / 4 * 3 + Math.min(run % 4, 2) + 1;
            boolean clean = run % 4 != 3;
            String name = "cut-" + cut + "-" + clean;
            java.nio.file.Files.copy(work.resolve("template.mv.db"), work.resolve(name + ".mv.db"));
            String url = template.replace("template", name);
            int at = cut;
            int[] steps = {0};
            String[] stoppedAt = {null};
            UncleanStop.step = step -> {
                if (++steps[0] == at) {
                    stoppedAt[0] = step;
                    throw new Killed();
                }
            };
            try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
                try {
                    UncleanStop.repairIfUnclean(connection);
                } catch (Killed expected) {
                    // the start was killed after this step
                }
                closeWithoutTheFinalStore(connection);
            } finally {
                UncleanStop.step = step -> { };
            }
            if (stoppedAt[0] == null) {
                break;
            }
            if (clean) {
                cuts.add(stoppedAt[0]);
            }
            try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
                for (String duplicate : List.of("SELECT id, 9, 9, 9 FROM ticket WHERE code = 1",
                        "VALUES (RANDOM_UUID(), 1, 8, 8)", "VALUES (RANDOM_UUID(), 7, NULL, 7)",
                        "VALUES (RANDOM_UUID(), 6, 6, 1)")) {
                    assertThatThrownBy(() -> update(connection, "INSERT INTO ticket " + duplicate))
                            .as("cut after %s: every key still unique: %s", stoppedAt[0], duplicate)
                            .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getErrorCode())
                            .isEqualTo(23505);
                }
                if (clean) {
                    UncleanStop.markCleanStop(connection);
                }
                UncleanStop.repairIfUnclean(connection);
                assertThat(rows(connection, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE REMARKS LIKE '"
                        + UncleanStop.PLAN_MARK + "%' OR INDEX_NAME LIKE 'TIDINGS%'")).as("cut after %s", cuts)
                        .isEmpty();
                assertThatThrownBy(() -> update(connection, "INSERT INTO ticket VALUES (RANDOM_UUID(), 3, NULL, 3)"))
                        .as("nulls not distinct, still").isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(23505);
            }
            try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
                assertThat(schema(connection)).as("after a reopen, cut after %s, clean: %s", cuts, clean)
                        .containsExactlyElementsOf(before);
                assertThat(UncleanStop.keys(connection)).extracting(UncleanStop.KeyDefinition::constraint)
                        .containsExactly("TICKET_CODE", "TICKET_GATE", "TICKET_ID", "TICKET_SEAT");
                assertThatThrownBy(() -> update(connection, "INSERT INTO ticket VALUES (RANDOM_UUID(), 1, 3, 3)"))
                        .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getErrorCode())
                        .isEqualTo(23505);
                assertThat(update(connection, "INSERT INTO ticket VALUES (RANDOM_UUID(), 3, 3, 3)")).isOne();
            }
        }
        assertThat(cuts).as("each step of each of the four constraints' rebuilds").hasSize(28)
                .contains("created", "planned", "dropped", "renamed", "added", "constraint commented",
                        "index commented", "temporary dropped");
    }

    @Test
    void aRebuildKeepsTheConstraintsAndTheirIndexesAsTheyWereAfterAReopen() throws Exception {
        String url = ticketDatabase("reopened");
        List<String> before;
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            before = schema(connection);
            assertThat(UncleanStop.repairIfUnclean(connection)).hasSize(5);
        }
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            assertThat(schema(connection)).containsExactlyElementsOf(before);
            assertThat(rows(connection, "SELECT CONSTRAINT_NAME, REMARKS FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS "
                    + "WHERE TABLE_NAME = 'TICKET' AND REMARKS IS NOT NULL"))
                    .containsExactlyInAnyOrder("TICKET_CODE | the code's own\nand more \\ so", "TICKET_ID | the key");
            assertThat(rows(connection, "SELECT IS_GENERATED FROM INFORMATION_SCHEMA.INDEXES "
                    + "WHERE TABLE_NAME = 'TICKET'")).as("each index its constraint's own")
                    .containsExactly("TRUE", "TRUE", "TRUE", "TRUE");
            assertThat(UncleanStop.repairIfUnclean(connection)).as("a second unclean start rebuilds them again")
                    .hasSize(5);
        }
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            assertThat(schema(connection)).containsExactlyElementsOf(before);
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
            List<String> failed = new ArrayList<>();
            assertThat(UncleanStop.repairIfUnclean(connection, failed)).containsExactly("ITEM_OWNER");
            assertThat(failed).as("so that the stop is not marked clean and the next start tries again")
                    .containsExactly("ITEM_CODE");
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
        List<String> schema;
        List<String> rows;
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO audit_log (changed_at, actor, action, target_type, target_id, summary) "
                    + "VALUES (CURRENT_TIMESTAMP, 'admin', 'created', 'source', 'a', NULL), "
                    + "(CURRENT_TIMESTAMP, 'admin', 'created', 'source', 'b', NULL)");
            schema = schema(connection);
            rows = rows(connection, "SELECT * FROM audit_log ORDER BY id");
            List<String> keys = UncleanStop.keys(connection).stream().map(UncleanStop.KeyDefinition::index).toList();

            assertThat(UncleanStop.repairIfUnclean(connection)).contains("AUDIT_LOG_TIME", "AUDIT_LOG_ACTOR")
                    .containsAll(keys);

            assertThat(schema(connection)).as("tables, columns, indexes with their order, constraints, by name")
                    .containsExactlyElementsOf(schema);
            assertThat(rows(connection, "SELECT * FROM audit_log ORDER BY id")).isEqualTo(rows);
            assertThat(rows(connection, "SELECT target_id FROM audit_log USE INDEX (audit_log_actor) "
                    + "WHERE actor = 'admin' ORDER BY changed_at DESC, id DESC")).containsExactly("b", "a");
        }
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            assertThat(schema(connection)).as("as H2 reads it again").containsExactlyElementsOf(schema);
            assertThat(rows(connection, "SELECT * FROM audit_log ORDER BY id")).isEqualTo(rows);
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
        assertThat(UncleanStop.embeddedH2("jdbc:h2:file:./data/db/tidings;AUTO_SERVER=TRUE")).as("shared").isFalse();
        assertThat(UncleanStop.embeddedH2("jdbc:h2:file:./data/db/tidings;auto_server=false")).isTrue();
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

    /** The claim's first statement (AcceptanceStore): the record of event {@code k} if there is none. */
    private static int claim(Connection connection, int k) throws SQLException {
        return update(connection, "INSERT INTO accepted_event (event_key, accepted_at, claimant) "
                + "SELECT X'0" + k + "', CURRENT_TIMESTAMP, 'ID:m" + k + "' "
                + "WHERE NOT EXISTS (SELECT 1 FROM accepted_event WHERE event_key = X'0" + k + "')");
    }

    /** The row of {@code accepted_event} for event {@code k}, read from the table's main map. */
    private static org.h2.result.Row record(Connection connection, Table table, int k) {
        SessionLocal session = session(connection);
        var cursor = table.getScanIndex(session).find(session, null, null);
        while (cursor.next()) {
            if (cursor.get().getValue(0).getBytesNoCopy()[0] == k) {
                return cursor.get();
            }
        }
        throw new AssertionError("no record " + k);
    }

    /** The name of a table's constraint of one type (H2 named them). */
    private static String constraint(Connection connection, String table, String type) throws SQLException {
        return rows(connection, "SELECT CONSTRAINT_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS "
                + "WHERE TABLE_NAME = '" + table + "' AND CONSTRAINT_TYPE = '" + type + "'").get(0);
    }

    private static String constraintIndex(Connection connection, String constraint) throws SQLException {
        return rows(connection, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS "
                + "WHERE CONSTRAINT_NAME = '" + constraint + "'").get(0);
    }

    private static SessionLocal session(Connection connection) {
        return (SessionLocal) ((JdbcConnection) connection).getSession();
    }

    /** H2's own object for an index of schema PUBLIC, to damage it with. */
    private static Index index(Connection connection, String name) {
        SessionLocal session = session(connection);
        return session.getDatabase().getSchema("PUBLIC").findIndex(session, name);
    }

    /** Thrown by a step hook to stop a rebuild where a kill would. */
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed", null, false, false);
        }
    }

    /**
     * The item database, with commits stored at once, and a table {@code ticket} with a primary key and three unique
     * constraints (one nulls not distinct), comments on a constraint and on an index, and two rows.
     */
    private String ticketDatabase(String name) throws SQLException {
        String url = itemDatabase(name) + ";WRITE_DELAY=0";
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE ticket (id UUID CONSTRAINT ticket_id PRIMARY KEY, "
                    + "code INT CONSTRAINT ticket_code UNIQUE, "
                    + "seat INT CONSTRAINT ticket_seat UNIQUE NULLS NOT DISTINCT, "
                    + "gate INT CONSTRAINT ticket_gate UNIQUE)");
            statement.execute("INSERT INTO ticket VALUES (RANDOM_UUID(), 1, 1, 1), (RANDOM_UUID(), 2, NULL, 2)");
            statement.execute("COMMENT ON CONSTRAINT ticket_code IS 'the code''s own\nand more \\ so'");
            String gate = rows(connection, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS "
                    + "WHERE CONSTRAINT_NAME = 'TICKET_GATE'").get(0);
            statement.execute("COMMENT ON INDEX \"" + gate + "\" IS 'the gate''s'");
            statement.execute("COMMENT ON CONSTRAINT ticket_id IS 'the key'");
            String key = rows(connection, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS "
                    + "WHERE CONSTRAINT_NAME = 'TICKET_ID'").get(0);
            statement.execute("COMMENT ON INDEX \"" + key + "\" IS 'the key''s index'");
        }
        return url;
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
        schema.addAll(rows(connection, "SELECT i.TABLE_NAME, i.INDEX_NAME, i.INDEX_TYPE_NAME, i.NULLS_DISTINCT, "
                + "i.IS_GENERATED, i.REMARKS, c.COLUMN_NAME, "
                + "c.ORDINAL_POSITION, c.ORDERING_SPECIFICATION, c.NULL_ORDERING FROM INFORMATION_SCHEMA.INDEXES i "
                + "JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c ON c.INDEX_SCHEMA = i.INDEX_SCHEMA "
                + "AND c.INDEX_NAME = i.INDEX_NAME WHERE i.TABLE_SCHEMA = 'PUBLIC' "
                + "ORDER BY i.TABLE_NAME, i.INDEX_NAME, c.ORDINAL_POSITION"));
        schema.addAll(rows(connection, "SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE, INDEX_NAME, "
                + "NULLS_DISTINCT, REMARKS "
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
