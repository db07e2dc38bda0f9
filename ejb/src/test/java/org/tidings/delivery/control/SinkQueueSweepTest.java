package org.tidings.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ejb.SessionContext;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tidings.provisioning.boundary.Views;
import org.tidings.provisioning.entity.CatchUp;
import org.tidings.provisioning.entity.Staleness;

/** The filter the sweep removes by, and when it sweeps; GrantsIT shows a real broker removing exactly those messages. */
class SinkQueueSweepTest {

    @Test
    void theSelectorNamesExactlyTheMessageIdsAndQuotesThem() {
        String selector = SinkQueueSweep.selecting(List.of("ID:1f2e", "ID:o'brien"));

        assertThat(selector).isEqualTo("AMQUserID IN ('ID:1f2e','ID:o''brien')");
    }

    /** A sweep whose sweeping is counted, not done, and whose scheduler keeps what it is given. */
    private static final class Counted extends SinkQueueSweep {
        final List<UUID> swept = new ArrayList<>();
        final List<List<Long>> settled = new ArrayList<>();
        /** What happened, in order: "read" (the owed rows), "swept", "settled". */
        final List<String> steps = new ArrayList<>();
        List<Long> owedRows = List.of(7L, 9L);
        final List<Callable<?>> later = new ArrayList<>();
        final List<Long> delays = new ArrayList<>();
        boolean fails;
        boolean incomplete;

        Counted() {
            context = proxy(SessionContext.class, (method, args) -> method.getName().equals("getBusinessObject")
                    ? this : null);
            scheduler = proxy(ManagedScheduledExecutorService.class, (method, args) -> {
                assertThat(method.getName()).isEqualTo("schedule");
                later.add((Callable<?>) args[0]); // the sweep returns what it took back
                delays.add(((TimeUnit) args[2]).toSeconds((Long) args[1]));
                return null;
            });
        }

        @Override
        public Swept swept(UUID subscriber) {
            swept.add(subscriber);
            steps.add("swept");
            if (fails) {
                throw new IllegalStateException("no database");
            }
            return new Swept(0, !incomplete);
        }

        @Override
        public List<Long> owedBy(UUID subscriber, Instant upTo) {
            steps.add("read");
            return owedRows;
        }

        @Override
        public void settled(List<Long> owedSweeps) {
            steps.add("settled");
            settled.add(owedSweeps);
        }
    }

    /**
     * A sweep made while a view could not catch up judges by grants that may predate the revocation: it is not
     * complete, so the second sweep settles nothing and the recovery run sweeps again.
     */
    @Test
    void aSweepWhoseViewsCouldNotCatchUpIsNotCompleteAndSettlesNothing() throws Exception {
        var sweep = new OfNoSinks(new Staleness("grant directory", 4, 5, Instant.EPOCH, "no database"));
        UUID subscriber = UUID.randomUUID();

        assertThat(sweep.swept(subscriber).complete()).isFalse();
        sweep.revoked(subscriber);
        sweep.later.get(0).call();
        assertThat(sweep.settled).isEmpty();

        sweep.report = new Staleness("matching index", 3, 5, Instant.EPOCH, "no database");
        assertThat(sweep.swept(subscriber).complete()).as("no report of the grant directory").isFalse();
        sweep.report = new Staleness("grant directory", 5, 5, Instant.EPOCH, null);
        sweep.other = new Staleness("matching index", 3, 5, Instant.EPOCH, "no database");
        assertThat(sweep.swept(subscriber).complete()).as("the grants caught up, no queue to sweep; another view's "
                + "failure does not matter").isTrue();
        sweep.later.get(0).call();
        assertThat(sweep.settled).containsExactly(List.of(7L));
    }

    /** A sweep of a subscriber without sinks, with its own {@code swept}, whose views report {@link #report}. */
    private static final class OfNoSinks extends SinkQueueSweep {
        Staleness report;
        Staleness other;
        final List<Callable<?>> later = new ArrayList<>();
        final List<List<Long>> settled = new ArrayList<>();

        OfNoSinks(Staleness report) {
            this.report = report;
            views = new Views() {
                @Override
                public CatchUp caughtUp() {
                    var catchUp = new CatchUp();
                    catchUp.reported(OfNoSinks.this.report);
                    if (other != null) {
                        catchUp.reported(other);
                    }
                    return catchUp;
                }
            };
            // createNamedQuery(...).setParameter(...).getResultList(): no sinks
            InvocationHandler query = (self, method, args) -> method.getName().equals("setParameter") ? self
                    : List.of();
            em = proxy(EntityManager.class, (method, args) -> Proxy.newProxyInstance(
                    SinkQueueSweepTest.class.getClassLoader(), new Class<?>[] {TypedQuery.class}, query));
            context = proxy(SessionContext.class, (method, args) -> this);
            scheduler = proxy(ManagedScheduledExecutorService.class, (method, args) -> {
                later.add((Callable<?>) args[0]);
                return null;
            });
        }

        @Override
        public List<Long> owedBy(UUID subscriber, Instant upTo) {
            return List.of(7L);
        }

        @Override
        public void settled(List<Long> owedSweeps) {
            settled.add(owedSweeps);
        }
    }

    private interface Handler {
        Object handle(Method method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(SinkQueueSweepTest.class.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> handler.handle(method, args)));
    }

    @Test
    void aRevocationIsSweptAtOnceAndAgainTenSecondsLater() throws Exception {
        var sweep = new Counted();
        UUID subscriber = UUID.randomUUID();

        sweep.revoked(subscriber);

        assertThat(sweep.swept).containsExactly(subscriber);
        assertThat(sweep.delays).containsExactly(SinkQueueSweep.AGAIN_SECONDS);
        assertThat(sweep.settled).as("not by the first sweep").isEmpty();
        sweep.later.get(0).call();
        assertThat(sweep.swept).containsExactly(subscriber, subscriber);
        assertThat(sweep.settled).as("the second sweep settles what the revocation owes").containsExactly(List.of(7L, 9L));
    }

    /** A queue that could not be swept leaves the sweep owed, for the recovery run (SweepRecovery) to make. */
    @Test
    void aSecondSweepThatMissedAQueueSettlesNothing() throws Exception {
        var sweep = new Counted();
        sweep.incomplete = true;
        UUID subscriber = UUID.randomUUID();

        sweep.revoked(subscriber);
        sweep.later.get(0).call();

        assertThat(sweep.swept).containsExactly(subscriber, subscriber);
        assertThat(sweep.settled).isEmpty();
    }

    /**
     * The second sweep settles the owed rows it read before it swept (before it caught up with the grants), by id: a
     * revocation recorded while it swept stays owed, whatever the clock of the instance that recorded it said.
     */
    @Test
    void theSecondSweepSettlesTheRowsItReadBeforeItSwept() throws Exception {
        var sweep = new Counted();
        UUID subscriber = UUID.randomUUID();
        sweep.revoked(subscriber);
        sweep.steps.clear();

        sweep.later.get(0).call();

        assertThat(sweep.steps).containsExactly("read", "swept", "settled");
        assertThat(sweep.settled).containsExactly(List.of(7L, 9L));
    }

    /** Nothing owed (settled by an earlier sweep, or by the recovery run): nothing to delete. */
    @Test
    void aSecondSweepWithNothingOwedSettlesNothing() throws Exception {
        var sweep = new Counted();
        sweep.owedRows = List.of();
        UUID subscriber = UUID.randomUUID();
        sweep.revoked(subscriber);

        sweep.later.get(0).call();

        assertThat(sweep.settled).isEmpty();
    }

    /** A second sweep that fails (no database, say) settles nothing: the recovery run makes it. */
    @Test
    void aSecondSweepThatFailsSettlesNothing() {
        var sweep = new Counted();
        UUID subscriber = UUID.randomUUID();
        sweep.revoked(subscriber);
        sweep.fails = true;

        assertThatThrownBy(() -> sweep.later.get(0).call()).hasMessage("no database");
        assertThat(sweep.settled).isEmpty();
    }

    @Test
    void aFirstSweepThatFailsStillHasItsSecond() throws Exception {
        var sweep = new Counted();
        sweep.fails = true;
        UUID subscriber = UUID.randomUUID();

        assertThatThrownBy(() -> sweep.revoked(subscriber)).hasMessage("no database");

        assertThat(sweep.later).as("the second sweep is scheduled anyway").hasSize(1);
        sweep.fails = false;
        sweep.later.get(0).call();
        assertThat(sweep.swept).containsExactly(subscriber, subscriber);
    }
}
