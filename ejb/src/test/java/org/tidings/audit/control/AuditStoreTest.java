package org.tidings.audit.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tidings.audit.entity.AuditQuery;
import org.tidings.audit.entity.AuditRecord;
import org.tidings.audit.entity.AuditedChange;
import org.tidings.platform.TestDatabase;

/** The audit table on the real schema (H2, the migrations): what is written is read back newest first, page by page. */
class AuditStoreTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private final TestDatabase database = TestDatabase.migrated("audit");
    private final SessionFactory sessions = database.sessions(AuditRecord.class);

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void recordsComeBackNewestFirstWithWhoWhatAndWhen() {
        String sink = UUID.randomUUID().toString();
        record("alice", T0, change("sink.create", sink, "name=a, channel=webhook"));
        record("bob", T0.plusSeconds(1), change("sink.delete", sink, "purge=false"));

        List<AuditRecord> page = read(new AuditQuery(null, null, null, null, null, null, 100));

        assertThat(page).extracting(AuditRecord::action).containsExactly("sink.delete", "sink.create");
        AuditRecord created = page.get(1);
        assertThat(created.actor()).isEqualTo("alice");
        assertThat(created.changedAt()).isEqualTo(T0);
        assertThat(created.targetType()).isEqualTo("sink");
        assertThat(created.targetId()).isEqualTo(sink);
        assertThat(created.summary()).isEqualTo("name=a, channel=webhook");
    }

    @Test
    void pagesFollowEachOtherWithoutGapOrRepeatAlsoAcrossRecordsOfTheSameInstant() {
        List<Long> written = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            written.add(record("alice", T0.plusSeconds(i / 3), change("source.create", "s" + i, null)));
        }
        List<Long> read = new ArrayList<>();
        Long before = null;
        List<AuditRecord> page;
        do {
            page = read(new AuditQuery(null, null, null, null, null, before, 2));
            page.forEach(r -> read.add(r.id()));
            before = page.isEmpty() ? null : page.get(page.size() - 1).id();
        } while (page.size() == 2);

        Collections.reverse(written);
        assertThat(read).containsExactlyElementsOf(written);
    }

    @Test
    void filtersByActorTargetActionAndTimeRange() {
        record("alice", T0, change("sink.create", "x", null));
        record("bob", T0.plusSeconds(10), change("sink.update", "x", null));
        record("alice", T0.plusSeconds(20), change("source.create", "y", null));
        record("alice", T0.plusSeconds(30), change("sink.update", "x", null));

        assertThat(actions(new AuditQuery("alice", null, null, null, null, null, 100)))
                .containsExactly("sink.update", "source.create", "sink.create");
        assertThat(targets(new AuditQuery(null, "x", null, null, null, null, 100))).containsExactly("x", "x", "x");
        assertThat(actions(new AuditQuery("alice", "x", "sink.update", null, null, null, 100)))
                .containsExactly("sink.update");
        assertThat(actions(new AuditQuery(null, null, null, T0.plusSeconds(10), T0.plusSeconds(30), null, 100)))
                .as("from inclusive, to exclusive").containsExactly("source.create", "sink.update");
    }

    @Test
    void aPageAfterARecordNoLongerKeptIsEmpty() {
        record("alice", T0, change("sink.create", "x", null));

        assertThat(read(new AuditQuery(null, null, null, null, null, 999_999L, 100))).isEmpty();
    }

    @Test
    void pruningDeletesTheRecordsBeforeTheCutABatchAtATime() {
        for (int i = 0; i < 5; i++) {
            record("alice", T0.plusSeconds(i), change("source.create", "s" + i, null));
        }

        int first = inTransaction(store -> store.prunedBatch(T0.plusSeconds(3), 2));
        int second = inTransaction(store -> store.prunedBatch(T0.plusSeconds(3), 2));

        assertThat(first).isEqualTo(2);
        assertThat(second).as("one more before the cut").isEqualTo(1);
        assertThat(targets(new AuditQuery(null, null, null, null, null, null, 100))).containsExactly("s4", "s3");
    }

    private static AuditedChange change(String action, String target, String summary) {
        return new AuditedChange(action, action.substring(0, action.indexOf('.')), target, summary);
    }

    /** Writes a record made at {@code at}; answers its id. */
    private long record(String actor, Instant at, AuditedChange change) {
        inTransaction(store -> {
            store.clock = Clock.fixed(at, ZoneOffset.UTC);
            store.recorded(actor, change);
            return null;
        });
        return lastId();
    }

    private long lastId() {
        try (Session session = sessions.openSession()) {
            return session.createQuery("SELECT MAX(r.id) FROM AuditRecord r", Long.class).getSingleResult();
        }
    }

    private <T> T inTransaction(Function<AuditStore, T> work) {
        try (Session session = sessions.openSession()) {
            var store = new AuditStore();
            store.em = session;
            session.beginTransaction();
            T result = work.apply(store);
            session.getTransaction().commit();
            return result;
        }
    }

    private List<AuditRecord> read(AuditQuery query) {
        try (Session session = sessions.openSession()) {
            var store = new AuditStore();
            store.em = session;
            return store.page(query);
        }
    }

    private List<String> actions(AuditQuery query) {
        return read(query).stream().map(AuditRecord::action).toList();
    }

    private List<String> targets(AuditQuery query) {
        return read(query).stream().map(AuditRecord::targetId).toList();
    }
}
