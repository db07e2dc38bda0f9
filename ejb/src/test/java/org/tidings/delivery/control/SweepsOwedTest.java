package org.tidings.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tidings.platform.TestDatabase;

/** The sweeps owed (table sweep_owed) on the real schema (H2, the migrations), through Hibernate's native queries. */
class SweepsOwedTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private final TestDatabase database = TestDatabase.migrated("sweeps");
    private final SessionFactory sessions = database.sessions();

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void theOverdueAreFoundAsUuidsOnceEachAndASettlementTakesOnlyWhatWasDueByItsStart() {
        UUID eve = UUID.randomUUID();
        UUID mallory = UUID.randomUUID();
        inTransaction(owed -> {
            owed.owed(eve, T0);
            owed.owed(eve, T0.plusSeconds(5));
            owed.owed(eve, T0.plusSeconds(30)); // a revocation made while a sweep ran
            owed.owed(mallory, T0.plusSeconds(60));
        });

        assertThat(read().overdue(T0.plusSeconds(10), 100)).containsExactly(eve);
        assertThat(read().overdue(T0.plusSeconds(61), 100)).containsExactlyInAnyOrder(eve, mallory);
        assertThat(read().overdue(T0, 100)).as("due at, not before").isEmpty();

        List<Long> due = read().due(eve, T0.plusSeconds(5));
        assertThat(due).as("a sweep that began then covers these two").hasSize(2);
        inTransaction(owed -> assertThat(owed.settled(due)).isEqualTo(2));
        assertThat(read().overdue(T0.plusSeconds(29), 100)).as("the later one stays owed").isEmpty();
        assertThat(read().overdue(T0.plusSeconds(31), 100)).containsExactly(eve);
        List<Long> mallorys = read().due(mallory, T0.plusSeconds(60));
        inTransaction(owed -> assertThat(owed.settled(mallorys)).isEqualTo(1));
        inTransaction(owed -> assertThat(owed.settled(mallorys)).as("settled once").isZero());
        inTransaction(owed -> assertThat(owed.settled(List.of())).isZero());
        assertThat(read().overdue(T0.plusSeconds(3600), 100)).containsExactly(eve);
    }

    /**
     * Longest owed first, and a subscriber put off after a failed recovery goes behind the others: a few whose sweeps
     * keep failing cannot hold a run's places for ever.
     */
    @Test
    void theLongestOwedComeFirstAndOnePutOffGoesBehind() {
        UUID stuck = UUID.randomUUID();
        UUID eve = UUID.randomUUID();
        UUID mallory = UUID.randomUUID();
        inTransaction(owed -> {
            owed.owed(mallory, T0.plusSeconds(20));
            owed.owed(stuck, T0);
            owed.owed(eve, T0.plusSeconds(10));
            owed.owed(eve, T0.plusSeconds(200)); // a revocation after the run started
        });
        Instant run = T0.plusSeconds(100);
        assertThat(read().overdue(run, 2)).containsExactly(stuck, eve);

        inTransaction(owed -> assertThat(owed.postponed(stuck, run, run.plusSeconds(300))).isEqualTo(1));
        inTransaction(owed -> assertThat(owed.postponed(eve, run, run.plusSeconds(300))).as("only what was due then")
                .isEqualTo(1));
        assertThat(read().overdue(run.plusSeconds(15), 2)).containsExactly(mallory);
        assertThat(read().overdue(run.plusSeconds(400), 3)).containsExactly(mallory, eve, stuck);
    }

    private void inTransaction(Consumer<SweepsOwed> work) {
        try (Session session = sessions.openSession()) {
            session.beginTransaction();
            work.accept(on(session));
            session.getTransaction().commit();
        }
    }

    /** What is owed, read outside a transaction as the recovery run reads it. */
    private SweepsOwed read() {
        return new SweepsOwed() {
            @Override
            public List<UUID> overdue(Instant before, int max) {
                try (Session session = sessions.openSession()) {
                    return on(session).overdue(before, max);
                }
            }

            @Override
            public List<Long> due(UUID subscriber, Instant upTo) {
                try (Session session = sessions.openSession()) {
                    return on(session).due(subscriber, upTo);
                }
            }
        };
    }

    private static SweepsOwed on(Session session) {
        var owed = new SweepsOwed();
        owed.em = session;
        return owed;
    }
}
