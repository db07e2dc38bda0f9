package org.tidings.audit.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidings.audit.entity.AuditQuery;
import org.tidings.audit.entity.AuditRecord;
import org.tidings.platform.TestDatabase;

/**
 * Every read of the audit log reads about the records it answers, not the log's year of history: on H2 (the embedded
 * database, the schema of the migrations) each statement Hibernate sends is run again under {@code EXPLAIN ANALYZE},
 * which reports how many rows H2 read.
 */
class AuditScanTest {

    private static final int HISTORY = 10_000;
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final TestDatabase database = TestDatabase.migrated("audit-scan");
    private final List<String> statements = new ArrayList<>();
    private SessionFactory sessions;
    private AuditQuery asked;
    private AuditRecord cursor;

    @BeforeEach
    void history() throws SQLException {
        try (Connection db = database.connection();
                var insert = db.prepareStatement("INSERT INTO audit_log (changed_at, actor, action, target_type, "
                        + "target_id, summary) SELECT DATEADD(MINUTE, X, CAST(? AS TIMESTAMP WITH TIME ZONE)), "
                        + "'admin' || MOD(X, 7), 'sink.update', 'sink', 'sink-' || MOD(X, 50), 'name=n' "
                        + "FROM SYSTEM_RANGE(1, ?)")) {
            insert.setObject(1, START.atOffset(ZoneOffset.UTC));
            insert.setInt(2, HISTORY);
            insert.executeUpdate();
            // a few rare ones, in the middle of the history
            db.createStatement().executeUpdate("INSERT INTO audit_log (changed_at, actor, action, target_type, "
                    + "target_id) SELECT DATEADD(MINUTE, 5000 + X, TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00Z'), "
                    + "'rare', 'group.delete', 'group', 'rare-target' FROM SYSTEM_RANGE(1, 5)");
        }
        sessions = database.sessions(sql -> {
            statements.add(sql);
            return sql;
        }, AuditRecord.class);
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void theNewestPageReadsAboutAPage() throws SQLException {
        assertBounded(new AuditQuery(null, null, null, null, null, null, 100), 100);
    }

    @Test
    void aLaterPageStartsAtItsCursor() throws SQLException {
        long middle = HISTORY / 2;
        assertBounded(new AuditQuery(null, null, null, null, null, middle, 100), 100);
    }

    @Test
    void eachFilterReadsOnlyItsOwnRecords() throws SQLException {
        assertBounded(new AuditQuery("rare", null, null, null, null, null, 100), 5);
        assertBounded(new AuditQuery(null, "rare-target", null, null, null, null, 100), 5);
        assertBounded(new AuditQuery(null, null, "group.delete", null, null, null, 100), 5);
        assertBounded(new AuditQuery("rare", null, null, null, null, HISTORY + 4L, 100), 3);
    }

    @Test
    void aTimeRangeReadsOnlyItsOwnRecords() throws SQLException {
        Instant from = START.plusSeconds(60 * 1000);
        assertBounded(new AuditQuery(null, null, null, from, from.plusSeconds(60 * 20), null, 100), 20);
    }

    @Test
    void pruningReadsOnlyWhatItDeletes() throws SQLException {
        int deleted;
        try (Session session = sessions.openSession()) {
            var store = new AuditStore();
            store.em = session;
            session.beginTransaction();
            statements.clear();
            deleted = store.prunedBatch(START.plusSeconds(60 * 30), 1000);
            session.getTransaction().commit();
        }
        assertThat(deleted).isEqualTo(29);
        asked = new AuditQuery(null, null, null, null, START.plusSeconds(60 * 30), null, 1000);
        assertStatementsRead(100);
    }

    /** Runs the query; its statements read about {@code answered} rows (a little slack for the index's edges). */
    private void assertBounded(AuditQuery query, int answered) throws SQLException {
        try (Session session = sessions.openSession()) {
            var store = new AuditStore();
            store.em = session;
            cursor = query.before() == null ? null : session.find(AuditRecord.class, query.before());
            statements.clear();
            assertThat(store.page(query)).hasSize(answered);
        }
        asked = query;
        assertStatementsRead(answered + 10);
    }

    private void assertStatementsRead(int most) throws SQLException {
        List<String> lookups = statements.stream().filter(sql -> sql.toLowerCase().startsWith("select")
                && sql.contains("changed_at")).toList();
        assertThat(lookups).isNotEmpty();
        for (String lookup : lookups) {
            assertThat(rowsRead(lookup)).as(lookup).isLessThanOrEqualTo(most);
        }
    }

    /** Runs a statement under EXPLAIN ANALYZE, each parameter bound to what the query asked for. */
    private long rowsRead(String sql) throws SQLException {
        return database.rowsRead(sql, (explain, i, left) -> {
            if (left.endsWith("changed_at>=")) {
                explain.setObject(i, (asked.from() == null ? Instant.EPOCH : asked.from()).atOffset(ZoneOffset.UTC));
            } else if (left.endsWith("changed_at<=") || left.endsWith("(ar1_0.changed_at<")) { // from the cursor
                explain.setObject(i, cursor.changedAt().atOffset(ZoneOffset.UTC));
            } else if (left.endsWith("changed_at<")) {
                Instant to = asked.to() == null ? Instant.parse("9999-01-01T00:00:00Z") : asked.to();
                explain.setObject(i, to.atOffset(ZoneOffset.UTC));
            } else if (left.endsWith("id<")) {
                explain.setLong(i, cursor.id());
            } else if (left.endsWith("actor=")) {
                explain.setString(i, asked.actor());
            } else if (left.endsWith("target_id=")) {
                explain.setString(i, asked.targetId());
            } else if (left.endsWith("action=")) {
                explain.setString(i, asked.action());
            } else {
                explain.setInt(i, asked.limit());
            }
        });
    }
}
