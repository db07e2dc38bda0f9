package org.tidings.delivery.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tidings.delivery.control.NextStep;
import org.tidings.delivery.control.WebhookAttempts;
import org.tidings.delivery.entity.Delivery;
import org.tidings.delivery.entity.DeliveryStatus;
import org.tidings.delivery.entity.Notification;
import org.tidings.delivery.webhook.Attempt;
import org.tidings.platform.TestDatabase;
import org.tidings.pull.control.FeedStore;
import org.tidings.pull.entity.FeedEntry;
import org.tidings.pull.entity.SubscriptionSequence;
import org.tidings.sinks.entity.Sink;

/**
 * The ledger's records of first attempts on H2 with the migrations' schema, through Hibernate as in the container,
 * each call in a transaction of its own as the container runs it: a message redelivered while its first sender still
 * runs (its consumer's connection failed) takes over only a row that is still being sent.
 */
class DeliveryLedgerTest {

    private final TestDatabase database = TestDatabase.migrated("ledger");
    private SessionFactory sessions;
    private Sink sink;
    private final UUID subscription = UUID.randomUUID();

    @BeforeEach
    void schema() {
        sessions = database.sessions(Delivery.class, FeedEntry.class, SubscriptionSequence.class, Sink.class);
        sink = Sink.webhook("receiver", "http://127.0.0.1:9/hook", "sealed", null, null, Instant.now());
        inTransaction(ledger -> {
            ledger.em.persist(sink);
            ledger.counterCreated(subscription);
            return null;
        });
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    /** One ledger call in a transaction of its own, as the container runs it (REQUIRES_NEW). */
    private <T> T inTransaction(Function<DeliveryLedger, T> work) {
        try (Session session = sessions.openSession()) {
            var ledger = new DeliveryLedger();
            ledger.em = session;
            ledger.store = storeOn(session);
            session.beginTransaction();
            try {
                T result = work.apply(ledger);
                session.getTransaction().commit();
                return result;
            } catch (RuntimeException e) {
                session.getTransaction().rollback();
                throw e;
            }
        }
    }

    /** The counter store on the same session (its entity manager is package-private: set as the container does). */
    static FeedStore storeOn(Session session) {
        var store = new FeedStore();
        try {
            var em = FeedStore.class.getDeclaredField("em");
            em.setAccessible(true);
            em.set(store, session);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return store;
    }

    private Notification notification(String event) {
        return notification(event, "mailto:ann@example.com");
    }

    private Notification notification(String event, String subject) {
        return new Notification(Notification.idOf("urn:shop", event, subscription), sink.id(), subscription,
                subject, "urn:shop", event,
                ("{\"specversion\":\"1.0\",\"id\":\"" + event + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static WebhookAttempts.Outcome delivered() {
        var attempt = new Attempt(Attempt.Result.DELIVERED, 200, "HTTP 200", Optional.empty(), Duration.ZERO);
        return new WebhookAttempts.Outcome(attempt, new NextStep(NextStep.Kind.DELIVERED, null), 1, Instant.now());
    }

    private Delivery record(Notification notification) {
        return inTransaction(ledger -> ledger.em.createNamedQuery(Delivery.BY_NOTIFICATION, Delivery.class)
                .setParameter("id", notification.id()).getSingleResult());
    }

    @Test
    void aRedeliveryWhoseFirstSenderFinishedMeanwhileSendsNothingAndLeavesTheOutcome() {
        Notification notification = notification("e1");
        Instant now = Instant.now();
        inTransaction(ledger -> ledger.sending(notification, now.plus(FirstAttempts.LEASE), now));
        // the message comes again while its first sender is still in its POST: the row is SENDING, so it is taken over
        assertThat(inTransaction(ledger -> ledger.outlook(notification)).handled()).isFalse();
        // the first sender's receiver answers 2xx, and the outcome is recorded
        inTransaction(ledger -> {
            ledger.attempted(notification, delivered());
            return null;
        });

        // the redelivery goes on: there is nothing left for it to send
        Optional<Notification> toSend = inTransaction(ledger -> ledger.sending(notification,
                now.plus(FirstAttempts.LEASE), now));

        assertThat(toSend).as("a delivered notification is not sent again").isEmpty();
        Delivery row = record(notification);
        assertThat(row.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(row.seq()).isEqualTo(1);
    }

    @Test
    void aRedeliveryThatMustParkDoesNotReopenANotificationItsFirstSenderDelivered() {
        Notification notification = notification("e1");
        Instant now = Instant.now();
        inTransaction(ledger -> ledger.sending(notification, now.plus(FirstAttempts.LEASE), now));
        assertThat(inTransaction(ledger -> ledger.outlook(notification)).handled()).isFalse();
        inTransaction(ledger -> {
            ledger.attempted(notification, delivered());
            return null;
        });

        // the redelivery finds the circuit open (or the sink busy) and parks what it took over
        inTransaction(ledger -> {
            ledger.waiting(notification, now, now);
            return null;
        });

        Delivery row = record(notification);
        assertThat(row.status()).as("delivered stays delivered, rather than waiting without a body to send")
                .isEqualTo(DeliveryStatus.DELIVERED);
    }

    @Test
    void aNotificationTakenOverWhileStillBeingSentKeepsItsNumber() {
        Notification first = notification("e1");
        Notification second = notification("e2");
        Instant now = Instant.now();
        inTransaction(ledger -> ledger.sending(first, now.plus(FirstAttempts.LEASE), now));
        inTransaction(ledger -> ledger.sending(second, now.plus(FirstAttempts.LEASE), now));

        Optional<Notification> again = inTransaction(ledger -> ledger.sending(first,
                now.plus(FirstAttempts.LEASE), now));

        assertThat(again).isPresent();
        assertThat(new String(again.get().body(), StandardCharsets.UTF_8)).contains("\"tidingsseq\":1");
        assertThat(record(first).status()).isEqualTo(DeliveryStatus.SENDING);
        assertThat(record(first).seq()).isEqualTo(1);
        assertThat(record(second).seq()).isEqualTo(2);
    }

    @Test
    void aRowWhoseLeaseRanOutIsParkedInItsPlaceAndDueWithItsNumber() {
        Notification lapsed = notification("e1");
        Notification held = notification("e2");
        Notification behind = notification("e3");
        Instant then = Instant.now().minus(FirstAttempts.LEASE).minusSeconds(1);
        inTransaction(ledger -> ledger.sending(lapsed, then.plus(FirstAttempts.LEASE), then));
        inTransaction(ledger -> {
            ledger.waiting(behind, then, then);
            return null;
        });
        Instant now = Instant.now();
        inTransaction(ledger -> ledger.sending(held, now.plus(FirstAttempts.LEASE), now));

        // what the retry worker does first in each batch, and then the heads it looks for
        List<Delivery> heads = inTransaction(ledger -> {
            ledger.em.createNamedQuery(Delivery.LEASE_RAN_OUT).setParameter("now", now).executeUpdate();
            return ledger.em.createNamedQuery(Delivery.DUE_HEADS, Delivery.class).setParameter("now", now)
                    .setParameter("epoch", Instant.EPOCH)
                    .setParameter("leftAlone", Set.of(new UUID(0, 0))).getResultList();
        });

        assertThat(heads).extracting(Delivery::notificationId).as("the lapsed one, not the one behind it")
                .containsExactly(lapsed.id());
        assertThat(heads.get(0).seq()).isEqualTo(1);
        assertThat(record(lapsed).status()).isEqualTo(DeliveryStatus.WAITING);
        assertThat(record(held).status()).as("a live sender's row is left alone").isEqualTo(DeliveryStatus.SENDING);
    }

    @Test
    void aRenewedLeaseKeepsItsRowFromTheRetryWorkerAndALapsedOneDoesNot() {
        Notification renewed = notification("e1");
        Notification lapsed = notification("e2");
        Notification finished = notification("e3");
        Instant then = Instant.now().minus(FirstAttempts.LEASE).minusSeconds(1);
        inTransaction(ledger -> ledger.sending(renewed, then.plus(FirstAttempts.LEASE), then));
        inTransaction(ledger -> ledger.sending(lapsed, then.plus(FirstAttempts.LEASE), then));
        inTransaction(ledger -> ledger.sending(finished, then.plus(FirstAttempts.LEASE), then));
        inTransaction(ledger -> {
            ledger.attempted(finished, new WebhookAttempts.Outcome(new Attempt(Attempt.Result.DELIVERED, 200, "ok",
                    Optional.empty(), Duration.ZERO), new NextStep(NextStep.Kind.DELIVERED, null), 1, then));
            return null;
        });
        Instant now = Instant.now();

        // what FirstAttempts does every 10 s for the attempts still running on its instance
        inTransaction(ledger -> {
            ledger.extendLeases(Set.of(renewed.id(), finished.id()), now.plus(FirstAttempts.LEASE));
            return null;
        });
        inTransaction(ledger -> ledger.em.createNamedQuery(Delivery.LEASE_RAN_OUT).setParameter("now", now)
                .executeUpdate());

        assertThat(record(renewed).status()).as("renewed: still its sender's").isEqualTo(DeliveryStatus.SENDING);
        assertThat(record(lapsed).status()).as("no renewal: parked for the retry worker")
                .isEqualTo(DeliveryStatus.WAITING);
        assertThat(record(finished).status()).as("a renewal does not revive a finished row")
                .isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(record(finished).nextAttemptAt()).isNull();
    }

    /**
     * A first sender whose lease ran out while its call went on (renewals failed for 30 s): the retry worker parked
     * its row and sent it in a batch that has not committed yet when the first sender's answer comes. The first
     * sender must not record its outcome over the retry worker's: its row is no longer SENDING once that batch commits.
     */
    @Test
    void aFirstSenderWhoseLeaseRanOutDoesNotOverwriteTheRetryWorkersOutcome() throws Exception {
        Notification lapsed = notification("e1");
        Instant then = Instant.now().minus(FirstAttempts.LEASE).minusSeconds(1);
        inTransaction(ledger -> ledger.sending(lapsed, then.plus(FirstAttempts.LEASE), then));

        try (Session batch = sessions.openSession()) {
            batch.beginTransaction();
            batch.createNamedQuery(Delivery.LEASE_RAN_OUT).setParameter("now", Instant.now()).executeUpdate();
            Delivery row = batch.createNamedQuery(Delivery.BY_NOTIFICATION, Delivery.class)
                    .setParameter("id", lapsed.id()).getSingleResult();
            delivered().applyTo(row, batch.find(Sink.class, sink.id()));
            batch.flush();

            var firstSender = new FutureTask<>(() -> inTransaction(ledger -> {
                ledger.attempted(lapsed, dead());
                return null;
            }));
            Thread thread = new Thread(firstSender, "first-sender");
            thread.start();
            await("the first sender waits for the batch's row").atMost(Duration.ofSeconds(5))
                    .until(() -> thread.getState() == Thread.State.TIMED_WAITING
                            || thread.getState() == Thread.State.WAITING);
            batch.getTransaction().commit();
            firstSender.get(10, TimeUnit.SECONDS);
        }

        assertThat(record(lapsed).status()).as("the retry worker's delivery stands")
                .isEqualTo(DeliveryStatus.DELIVERED);
    }

    /**
     * A redelivery takes over while the first sender's outcome is being committed: it must wait for that commit and
     * find nothing left to send, not write its {@code SENDING} back over the recorded delivery.
     */
    @Test
    void aTakeoverDuringTheFirstSendersCommitLeavesItsOutcome() throws Exception {
        Notification notification = notification("e1");
        Instant now = Instant.now();
        inTransaction(ledger -> ledger.sending(notification, now.plus(FirstAttempts.LEASE), now));

        Optional<Notification> toSend = afterTheOthersCommit(ledger -> ledger.attempted(notification, delivered()),
                redelivery -> redelivery.sending(notification, Instant.now().plus(FirstAttempts.LEASE),
                        Instant.now()));

        assertThat(toSend).as("nothing left to send").isEmpty();
        assertThat(record(notification).status()).isEqualTo(DeliveryStatus.DELIVERED);
    }

    @Test
    void theLineDoesNotGoOnPastANotificationStillBeingSent() {
        Notification redriven = notification("e1");
        Notification inFlight = notification("e2");
        Notification later = notification("e3");
        Instant now = Instant.now();
        inTransaction(ledger -> ledger.sending(redriven, now.plus(FirstAttempts.LEASE), now));
        inTransaction(ledger -> {
            ledger.attempted(redriven, dead());
            return null;
        });
        // nothing waits in its line, so the next one goes at once; it is in its POST when the operator redrives
        // the dead letter and a third notification of the subject arrives, which parks behind both
        assertThat(inTransaction(ledger -> ledger.outlook(inFlight)).lineWaiting()).isFalse();
        inTransaction(ledger -> ledger.sending(inFlight, now.plus(FirstAttempts.LEASE), now));
        boolean redrove = inTransaction(ledger -> ledger.redriveOne(sink.id(), redriven.id()));
        assertThat(redrove).isTrue();
        assertThat(inTransaction(ledger -> ledger.outlook(later)).lineWaiting()).isTrue();
        inTransaction(ledger -> {
            ledger.waiting(later, now, now);
            return null;
        });

        // the retry worker delivers the redriven one, and looks for the next of its line as it does
        List<Delivery> next = inTransaction(ledger -> {
            Delivery head = ledger.em.createNamedQuery(Delivery.BY_NOTIFICATION, Delivery.class)
                    .setParameter("id", redriven.id()).getSingleResult();
            head.delivered(1, 200, "HTTP 200", Instant.now());
            ledger.em.flush();
            return ledger.em.createNamedQuery(Delivery.NEXT_IN_LINE, Delivery.class)
                    .setParameter("sinkId", head.sinkId()).setParameter("key", head.orderingKey()).setMaxResults(1)
                    .getResultList();
        });

        assertThat(next).as("the third waits until the second, still being sent, is done").isEmpty();
    }

    /** The row of a parked notification's position. */
    private long positionOf(Notification notification) {
        return record(notification).position();
    }

    /**
     * Runs {@code first} in a transaction left open until {@code second}, in a transaction of its own on another
     * thread, waits for one of its row locks; then commits it, and answers what {@code second} returned.
     */
    private <T> T afterTheOthersCommit(Consumer<DeliveryLedger> first,
            Function<DeliveryLedger, T> second) throws Exception {
        try (Session session = sessions.openSession()) {
            session.beginTransaction();
            var ledger = new DeliveryLedger();
            ledger.em = session;
            ledger.store = storeOn(session);
            first.accept(ledger);
            session.flush();

            var other = new FutureTask<>(() -> inTransaction(second));
            new Thread(other, "second").start();
            await("the second waits for the first's row").atMost(Duration.ofSeconds(5))
                    .until(database::aSessionIsBlocked);
            session.getTransaction().commit();
            return other.get(10, TimeUnit.SECONDS);
        }
    }

    /** A notification parked, due at {@code at}. */
    private Notification parked(String event, Instant at) {
        Notification notification = notification(event);
        inTransaction(ledger -> {
            ledger.waiting(notification, at, at);
            return null;
        });
        return notification;
    }

    /** The retry worker's taking of a row, in a transaction of its own. */
    private Optional<DeliveryLedger.Claim> claimed(Notification notification, Instant lease, Instant now) {
        long position = positionOf(notification);
        return inTransaction(ledger -> ledger.claimed(position, lease, now));
    }

    private Optional<DeliveryLedger.Claim> nextClaimed(Notification notification, Instant lease, Instant now) {
        return inTransaction(ledger -> ledger.nextClaimed(sink.id(), notification.orderingKey(), lease, now));
    }

    @Test
    void theRetryWorkerTakesADueHeadOnceAndHoldsItUnderItsLease() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // as stored, not rounded up
        Notification parked = parked("e1", now);
        Instant lease = now.plus(FirstAttempts.LEASE);

        var taken = claimed(parked, lease, now);
        var again = claimed(parked, lease, now);

        assertThat(taken).as("taken").isPresent();
        assertThat(new String(taken.get().notification().body(), StandardCharsets.UTF_8)).as("with its number")
                .contains("tidingsseq");
        assertThat(taken.get().sink().id()).isEqualTo(sink.id());
        assertThat(again).as("a row being sent is not taken twice").isEmpty();
        Delivery row = record(parked);
        assertThat(row.status()).isEqualTo(DeliveryStatus.SENDING);
        assertThat(row.nextAttemptAt()).as("held until the lease ends").isEqualTo(lease);
    }

    @Test
    void aParkedNotificationIsNotTakenBeforeItIsDueNorBehindAnotherOfItsLine() {
        Notification first = notification("e1");
        Notification second = notification("e2");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // as stored, not rounded up
        inTransaction(ledger -> {
            ledger.waiting(first, now.plusSeconds(60), now);
            ledger.waiting(second, now, now);
            return null;
        });
        Instant lease = now.plus(FirstAttempts.LEASE);

        assertThat(claimed(first, lease, now)).as("not yet due").isEmpty();
        assertThat(claimed(second, lease, now))
                .as("behind a waiting one").isEmpty();
        Instant later = now.plusSeconds(61);
        assertThat(claimed(first, lease, later)).isPresent();
        assertThat(nextClaimed(first, lease, later))
                .as("behind one being sent").isEmpty();
        inTransaction(ledger -> {
            ledger.attempted(first, delivered());
            return null;
        });
        var next = nextClaimed(first, lease, later);
        assertThat(next).as("the next of the line, once the first is delivered").isPresent();
        assertThat(next.get().notification().id()).isEqualTo(second.id());
        assertThat(record(second).status()).isEqualTo(DeliveryStatus.SENDING);
    }

    @Test
    void aDrainedLineRecordsTheOutcomeAndTakesItsNextInOneTransaction() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // as stored, not rounded up
        Notification first = parked("e1", now);
        Notification second = parked("e2", now);
        Instant lease = now.plus(FirstAttempts.LEASE);
        assertThat(claimed(first, lease, now)).isPresent();

        var next = inTransaction(ledger -> ledger.attemptedThenNext(first, delivered(), lease, now));

        assertThat(record(first).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(next).as("the next of the line").isPresent();
        assertThat(next.get().notification().id()).isEqualTo(second.id());
        assertThat(record(second).status()).isEqualTo(DeliveryStatus.SENDING);
        assertThat(record(second).nextAttemptAt()).as("held until the lease ends").isEqualTo(lease);
    }

    /**
     * The drain makes the row behind due at the instant it is given, and takes it at that same instant. The clock has
     * nanoseconds; the databases keep microseconds and round half up: stored rounded up, the row would not be due yet
     * at that instant, and the drain would stop there (the hostile review's finding; the other tests give times in
     * milliseconds).
     */
    @Test
    void aDrainTakesTheRowItMadeDueAtAnInstantWithNanoseconds() {
        Instant then = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Notification first = parked("e1", then);
        Notification second = parked("e2", then);
        assertThat(record(second).nextAttemptAt()).as("behind the first").isNull();
        assertThat(claimed(first, then.plus(FirstAttempts.LEASE), then)).isPresent();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS).plusNanos(700);

        var next = inTransaction(ledger -> ledger.attemptedThenNext(first, delivered(), now.plus(FirstAttempts.LEASE),
                now));

        assertThat(next).as("the next of the line, made due and taken").isPresent();
        assertThat(next.get().notification().id()).isEqualTo(second.id());
        assertThat(record(second).status()).isEqualTo(DeliveryStatus.SENDING);
    }

    /**
     * Another taker holds the next row of a line being drained (a run working from a stale list of heads, say another
     * instance's): the drain, holding its own row, does not wait for it. Its outcome is recorded and it takes nothing
     * next; the row stays parked for whoever holds it or the next run.
     */
    @Test
    void aDrainDoesNotWaitForANextRowAnotherTakerHolds() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // as stored, not rounded up
        Notification first = parked("e1", now);
        Notification second = parked("e2", now);
        Instant lease = now.plus(FirstAttempts.LEASE);
        assertThat(claimed(first, lease, now)).isPresent();
        long secondAt = positionOf(second);

        Optional<DeliveryLedger.Claim> drained;
        try (Session other = sessions.openSession()) {
            other.beginTransaction();
            other.createNativeQuery("SELECT position FROM delivery WHERE position = ?1 FOR UPDATE", Long.class)
                    .setParameter(1, secondAt).getResultList();
            var drain = new FutureTask<>(() -> inTransaction(
                    ledger -> ledger.attemptedThenNext(first, delivered(), lease, now)));
            new Thread(drain, "drain").start();
            // a drain that waited for the lock would fail: the lock is released only after it returns, and the test
            // database gives up on a lock after 10 s (LOCK_TIMEOUT), with an exception
            drained = drain.get(30, TimeUnit.SECONDS);
            other.getTransaction().commit();
        }

        assertThat(drained).as("nothing next").isEmpty();
        assertThat(record(first).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(record(second).status()).as("left parked").isEqualTo(DeliveryStatus.WAITING);
        assertThat(record(second).nextAttemptAt()).as("not made due: its lock was another's").isNull();

        // the retry worker's search for rows whose line no longer holds them finds it
        int found = inTransaction(ledger -> ledger.em.createNamedQuery(Delivery.LEFT_BEHIND)
                .setParameter("now", Instant.now()).executeUpdate());

        assertThat(found).isEqualTo(1);
        assertThat(dueHeads(Instant.now())).extracting(Delivery::notificationId).containsExactly(second.id());
    }

    /**
     * A paused or 410-disabled sink's rows wait, due from when they were parked, until it is enabled: the retry
     * worker's read of due heads passes over them in the query, where before it read them first (the oldest) and left
     * them alone one round at a time, so that many paused sinks could take a whole run before an enabled sink's head
     * was read (a review).
     */
    @Test
    void aDisabledSinksRowsAreNoDueHeadsUntilItIsEnabled() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Notification waiting = parked("e-disabled", now.minusSeconds(60));
        inTransaction(ledger -> {
            ledger.em.find(Sink.class, sink.id()).disable("paused by its subscriber", now);
            return null;
        });
        assertThat(dueHeads(Instant.now())).extracting(Delivery::notificationId).doesNotContain(waiting.id());

        inTransaction(ledger -> {
            ledger.em.find(Sink.class, sink.id()).enable();
            return null;
        });
        assertThat(dueHeads(Instant.now())).extracting(Delivery::notificationId).contains(waiting.id());
    }

    /** The heads the retry worker finds due at {@code now}. */
    private List<Delivery> dueHeads(Instant now) {
        return inTransaction(ledger -> ledger.em.createNamedQuery(Delivery.DUE_HEADS, Delivery.class)
                .setParameter("now", now).setParameter("epoch", Instant.EPOCH)
                .setParameter("leftAlone", Set.of(new UUID(0, 0))).getResultList());
    }

    /**
     * A line whose first notification waits for a later attempt: the ones parked behind it are not due by themselves,
     * so the retry worker's search for due rows does not read them; each is made due when the one ahead of it is
     * done, delivered or dead.
     */
    @Test
    void aNotificationParkedBehindItsLineIsDueOnlyOnceTheOneAheadIsDone() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // as stored, not rounded up
        Notification first = parked("e1", now.plusSeconds(60)); // its sink failed: the next attempt in a minute
        Notification second = parked("e2", now);
        Notification third = parked("e3", now);
        Instant later = now.plusSeconds(61);
        Instant lease = later.plus(FirstAttempts.LEASE);

        assertThat(record(second).nextAttemptAt()).as("behind the first: not due by itself").isNull();
        assertThat(record(third).nextAttemptAt()).isNull();
        assertThat(dueHeads(later)).extracting(Delivery::notificationId).containsExactly(first.id());

        assertThat(claimed(first, lease, later)).isPresent();
        inTransaction(ledger -> {
            ledger.attempted(first, delivered());
            return null;
        });
        assertThat(record(second).nextAttemptAt()).as("due once the first is delivered").isNotNull();
        assertThat(record(third).nextAttemptAt()).as("still behind the second").isNull();
        assertThat(dueHeads(later)).extracting(Delivery::notificationId).containsExactly(second.id());

        assertThat(claimed(second, lease, later)).isPresent();
        inTransaction(ledger -> {
            ledger.attempted(second, dead());
            return null;
        });
        assertThat(dueHeads(later)).as("a dead letter lets its line go on").extracting(Delivery::notificationId)
                .containsExactly(third.id());
    }

    /**
     * The dispatcher read the line held (its first notification is in its POST) and parks the next one while the
     * first's outcome comes: whichever commits first, the other waits for it, and the parked one ends due. If the
     * finish commits first, the park waits for it and finds nothing ahead any more; had it read the line without the
     * lock, it would wait behind a finished row, and nothing would make it due. If the park commits first, the finish
     * waits for it, then sees the parked row and makes it due.
     */
    @ParameterizedTest(name = "{0} commits first")
    @ValueSource(strings = {"the finish", "the park"})
    void aParkRacingTheFinishOfTheRowAheadEndsDue(String first) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Notification sent = notification("e1");
        Notification parked = notification("e2");
        inTransaction(ledger -> ledger.sending(sent, now.plus(FirstAttempts.LEASE), now));
        assertThat(inTransaction(ledger -> ledger.outlook(parked)).lineWaiting()).isTrue();

        racedWithTheDeliveryOf(sent, ledger -> ledger.waiting(parked, now, now), first.equals("the finish"), parked);
    }

    /**
     * Runs {@code change} and the delivery of {@code ahead} (being sent) in two transactions, the one
     * {@code finishFirst} names committing while the other waits for its lock; then {@code behind} must be due, the
     * only head of its line.
     */
    private void racedWithTheDeliveryOf(Notification ahead, Consumer<DeliveryLedger> change, boolean finishFirst,
            Notification behind) throws Exception {
        Consumer<DeliveryLedger> finish = ledger -> ledger.attempted(ahead, delivered());
        afterTheOthersCommit(finishFirst ? finish : change, ledger -> {
            (finishFirst ? change : finish).accept(ledger);
            return null;
        });

        assertThat(record(ahead).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(record(behind).nextAttemptAt()).as("due: nothing of its line is ahead of it").isNotNull();
        assertThat(dueHeads(Instant.now())).extracting(Delivery::notificationId).containsExactly(behind.id());
    }

    /**
     * The search for rows left behind makes due only a row with nothing of its line ahead of it that waits or is
     * being sent; one behind a waiting row stays behind it.
     */
    @Test
    void theSearchForRowsLeftBehindLeavesARowBehindAWaitingOne() throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Notification first = parked("e1", now.plusSeconds(60));
        Notification second = parked("e2", now);
        Notification third = parked("e3", now);
        int none = inTransaction(ledger -> ledger.em.createNamedQuery(Delivery.LEFT_BEHIND)
                .setParameter("now", now).executeUpdate());
        // the first is delivered by a writer that does not make the next one due (as a finish that could not lock it)
        try (Connection db = database.connection()) {
            db.createStatement().executeUpdate("UPDATE delivery SET status = 'DELIVERED', next_attempt_at = NULL "
                    + "WHERE position = " + positionOf(first));
        }

        int found = inTransaction(ledger -> ledger.em.createNamedQuery(Delivery.LEFT_BEHIND)
                .setParameter("now", now).executeUpdate());

        assertThat(none).as("every row behind a waiting one").isZero();
        assertThat(found).isEqualTo(1);
        assertThat(record(second).nextAttemptAt()).isEqualTo(now);
        assertThat(record(third).nextAttemptAt()).as("still behind the second").isNull();
    }

    /**
     * A line drained after a delivery reads its next row, and the retry worker's run takes that same row meanwhile:
     * the drain must wait for the run's commit and then find the row taken, not send it a second time on a status it
     * read before the lock.
     */
    @Test
    void twoTakersOfOneRowTakeItOnce() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // as stored, not rounded up
        Notification parked = parked("e1", now);
        Instant lease = now.plus(FirstAttempts.LEASE);

        // the drain's query reads the row WAITING, then it waits for the run's row lock
        Optional<DeliveryLedger.Claim> drained = afterTheOthersCommit(
                run -> assertThat(run.claimed(positionOf(parked), lease, now)).isPresent(),
                drain -> drain.nextClaimed(sink.id(), parked.orderingKey(), lease, now));

        assertThat(drained).as("taken once").isEmpty();
        assertThat(record(parked).status()).isEqualTo(DeliveryStatus.SENDING);
    }

    /**
     * A parked notification's message comes again (its acknowledgement was lost in a broker restart) while the retry
     * worker sends it: the row is SENDING, but not a first sender's that may have died, so the redelivery must find
     * it handled; a takeover would be a second sender while the first still runs.
     */
    @Test
    void aRedeliveredMessageDoesNotTakeOverARowTheRetryWorkerIsSending() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Notification parked = parked("e1", now);
        assertThat(claimed(parked, now.plus(FirstAttempts.LEASE), now)).as("the retry worker sends it").isPresent();

        var outlook = inTransaction(ledger -> ledger.outlook(parked));
        var takeover = inTransaction(ledger -> ledger.sending(parked, now.plus(FirstAttempts.LEASE), now));

        assertThat(outlook.handled()).as("handled when it was parked").isTrue();
        assertThat(takeover).as("no second sender").isEmpty();
        assertThat(record(parked).retrying()).isTrue();
    }

    @Test
    void aRetryWhoseLeaseRanOutIsParkedAndCanBeTakenAgain() {
        Instant then = Instant.now().minus(FirstAttempts.LEASE).minusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
        Notification parked = parked("e1", then);
        assertThat(claimed(parked, then.plus(FirstAttempts.LEASE), then)).isPresent();

        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        int parkedAgain = inTransaction(ledger -> ledger.em.createNamedQuery(Delivery.LEASE_RAN_OUT)
                .setParameter("now", now).executeUpdate());

        assertThat(parkedAgain).isEqualTo(1);
        Delivery row = record(parked);
        assertThat(row.status()).isEqualTo(DeliveryStatus.WAITING);
        assertThat(row.retrying()).isFalse();
        assertThat(claimed(parked, now.plus(FirstAttempts.LEASE), now)).as("sent again").isPresent();
    }

    @Test
    void aParkedNotificationOfASinkThatIsGoneIsDiscardedWithoutItsBodyWhenTaken() {
        Notification parked = notification("e1");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // as stored, not rounded up
        inTransaction(ledger -> {
            ledger.waiting(parked, now, now);
            ledger.em.remove(ledger.em.find(Sink.class, sink.id()));
            return null;
        });

        assertThat(claimed(parked, now.plus(FirstAttempts.LEASE), now))
                .isEmpty();
        assertThat(record(parked).status()).as("not a dead letter no one could redrive, discard or prune")
                .isEqualTo(DeliveryStatus.DISCARDED);
        assertThat(record(parked).lastAnswer()).isEqualTo("the sink no longer exists");
        assertThat(record(parked).body()).isNull();
    }

    @Test
    void aNotificationThatComesAfterItsSinkWasDeletedIsRecordedDiscardedWithoutItsBody() {
        Notification late = notification("e2");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        inTransaction(ledger -> {
            ledger.sinkGone(late, now);
            return null;
        });

        Delivery row = record(late);
        assertThat(row.status()).isEqualTo(DeliveryStatus.DISCARDED);
        assertThat(row.lastAnswer()).isEqualTo(Delivery.SINK_GONE);
        assertThat(row.body()).isNull();
        assertThat(row.nextAttemptAt()).isNull();
    }

    @Test
    void aNotificationThatDiesBeforeAnyRecordOfItIsRecordedDead() {
        Notification withheld = notification("e3");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        // as the dispatcher records a pull notification its subscriber may no longer see: no row of it yet (before,
        // the row was inserted without a status and the insert failed, for every redelivery of the notification)
        inTransaction(ledger -> {
            ledger.dead(withheld, 0, null, "subject-not-granted", now);
            return null;
        });

        assertThat(record(withheld).status()).isEqualTo(DeliveryStatus.DEAD);
        assertThat(record(withheld).lastAnswer()).isEqualTo("subject-not-granted");
    }

    /**
     * A redrive puts a sink's dead letters back in line, each in its place: the first of each line is due at once, the
     * others wait behind it with no time, so the retry worker's read of due heads does not read them, and each is
     * made due when the one ahead of it is done.
     */
    @Test
    void aRedriveMakesTheFirstOfEachLineDueAndParksTheOthersBehindIt() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Notification first = died(notification("e1"), now);
        Notification second = died(notification("e2"), now);
        Notification third = died(notification("e3"), now);
        Notification otherLine = died(notification("e4", "mailto:bob@example.com"), now);

        int redriven = inTransaction(ledger -> ledger.redrive(sink.id(), null, null));

        assertThat(redriven).isEqualTo(4);
        assertThat(List.of(first, second, third, otherLine)).allSatisfy(n ->
                assertThat(record(n).status()).isEqualTo(DeliveryStatus.WAITING));
        assertThat(record(second).nextAttemptAt()).as("behind the first").isNull();
        assertThat(record(third).nextAttemptAt()).as("behind the second").isNull();
        Instant later = Instant.now();
        assertThat(dueHeads(later)).extracting(Delivery::notificationId)
                .containsExactlyInAnyOrder(first.id(), otherLine.id());

        assertThat(claimed(first, later.plus(FirstAttempts.LEASE), later)).isPresent();
        inTransaction(ledger -> {
            ledger.attempted(first, delivered());
            return null;
        });
        assertThat(record(second).nextAttemptAt()).as("due once the first is delivered").isNotNull();
        assertThat(record(third).nextAttemptAt()).as("still behind the second").isNull();
        assertThat(dueHeads(Instant.now())).extracting(Delivery::notificationId)
                .containsExactlyInAnyOrder(second.id(), otherLine.id());
    }

    /**
     * A redrive goes in pages (each a transaction of its own in the container), holding no more than a page of dead
     * letters at once, and misses none: the first of each line is due, the rest wait behind it, across pages too.
     */
    @Test
    void aRedriveGoesInPagesHoldingOnlyAPageAndMissesNone() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<Notification> dead = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            dead.add(died(notification("p" + i, "mailto:u" + (i % 3) + "@example.com"), now));
        }
        int[] held = new int[1];
        int redriven = inTransaction(ledger -> {
            ledger.redrivePageSize = 5;
            int count = ledger.redrive(sink.id(), null, null);
            held[0] = ledger.em.unwrap(Session.class).getStatistics().getEntityCount();
            return count;
        });

        assertThat(redriven).isEqualTo(23);
        assertThat(held[0]).as("rows still held once the redrive is done").isLessThanOrEqualTo(5);
        assertThat(dead).allSatisfy(n -> assertThat(record(n).status()).isEqualTo(DeliveryStatus.WAITING));
        assertThat(dueHeads(Instant.now())).extracting(Delivery::notificationId)
                .containsExactlyInAnyOrder(dead.get(0).id(), dead.get(1).id(), dead.get(2).id());
        assertThat(dead.subList(3, 23)).as("behind the first of their lines, in later pages too")
                .allSatisfy(n -> assertThat(record(n).nextAttemptAt()).isNull());
    }

    /**
     * A sink whose notifications keep dying while a redrive reads its pages (an address refused, a grant revoked)
     * cannot keep the redrive going: it redrives what was dead when it began (a review of the pages).
     */
    @Test
    void aRedriveEndsThoughNewDeadLettersKeepComing() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < 7; i++) {
            died(notification("before" + i, "mailto:b" + i + "@example.com"), now);
        }
        int[] late = new int[1];
        try (Session session = sessions.openSession()) {
            var ledger = new DeliveryLedger() {
                @Override
                public RedrivePage redrivePage(UUID sinkId, Instant from, Instant to, long after, long upTo) {
                    RedrivePage page = super.redrivePage(sinkId, from, to, after, upTo);
                    for (int i = 0; i < 5; i++, late[0]++) { // each in a line of its own: nothing the page locked
                        died(notification("late" + late[0], "mailto:l" + late[0] + "@example.com"), now);
                    }
                    return page;
                }
            };
            ledger.em = session;
            ledger.store = storeOn(session);
            ledger.redrivePageSize = 5;
            session.beginTransaction();
            int redriven = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> ledger.redrive(sink.id(), null, null));
            session.getTransaction().commit();

            assertThat(redriven).as("what was dead when it began").isEqualTo(7);
            assertThat(late[0]).as("pages read").isEqualTo(10);
        }
    }

    /**
     * A dead letter redriven while an earlier notification of its line waits for a later attempt (itself redriven
     * before) waits behind it, not due, and is made due once that one is delivered.
     */
    @Test
    void aDeadLetterRedrivenBehindAWaitingOneOfItsLineWaitsForIt() {
        var line = twoDeadTheFirstRedrivenAndBeingSent();
        Notification first = line.ahead();
        Notification second = line.behind();
        Instant inAnHour = line.takenAt().plusSeconds(3600).truncatedTo(ChronoUnit.MILLIS); // as stored, not rounded up
        inTransaction(ledger -> {
            ledger.attempted(first, failedUntil(inAnHour));
            return null;
        });

        boolean secondRedriven = inTransaction(ledger -> ledger.redriveOne(sink.id(), second.id()));

        assertThat(secondRedriven).isTrue();
        assertThat(record(second).status()).isEqualTo(DeliveryStatus.WAITING);
        assertThat(record(second).nextAttemptAt()).as("behind the first, which waits an hour").isNull();
        assertThat(dueHeads(inAnHour)).extracting(Delivery::notificationId).containsExactly(first.id());
        assertThat(claimed(first, inAnHour.plus(FirstAttempts.LEASE), inAnHour)).isPresent();
        inTransaction(ledger -> {
            ledger.attempted(first, delivered());
            return null;
        });
        assertThat(dueHeads(inAnHour)).extracting(Delivery::notificationId).containsExactly(second.id());
    }

    /**
     * A dead letter is redriven while the row ahead of it in its line (redriven before, now being sent) gets its
     * outcome: whichever commits first, the other waits for it, and the redriven row ends due, as a park does.
     */
    @ParameterizedTest(name = "{0} commits first")
    @ValueSource(strings = {"the finish", "the redrive"})
    void aRedriveRacingTheFinishOfTheRowAheadEndsDue(String first) throws Exception {
        var line = twoDeadTheFirstRedrivenAndBeingSent();

        racedWithTheDeliveryOf(line.ahead(), ledger -> ledger.redriveOne(sink.id(), line.behind().id()),
                first.equals("the finish"), line.behind());
    }

    /** Two dead letters of one line, the first redriven and taken by the retry worker at {@code takenAt}. */
    private record RedrivenLine(Notification ahead, Notification behind, Instant takenAt) {
    }

    private RedrivenLine twoDeadTheFirstRedrivenAndBeingSent() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Notification ahead = died(notification("e1"), now);
        Notification behind = died(notification("e2"), now);
        boolean redriven = inTransaction(ledger -> ledger.redriveOne(sink.id(), ahead.id()));
        assertThat(redriven).isTrue();
        Instant takenAt = Instant.now();
        assertThat(claimed(ahead, takenAt.plus(FirstAttempts.LEASE), takenAt)).isPresent();
        return new RedrivenLine(ahead, behind, takenAt);
    }

    /**
     * The operator discards a dead letter while a redrive of its sink runs: the redrive waits for the discard and
     * leaves the discarded row alone, and the next of its line is then first and due. Read without the lock, the
     * redrive wrote its change over the discard, and the row behind waited with no time.
     */
    @Test
    void aRedriveWaitsForADiscardOfOneOfItsRowsAndLeavesItDiscarded() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Notification discarded = died(notification("e1"), now);
        Notification next = died(notification("e2"), now);

        int redriven = afterTheOthersCommit(ledger -> ledger.discard(sink.id(), discarded.id()),
                ledger -> ledger.redrive(sink.id(), null, null));

        assertThat(redriven).isEqualTo(1);
        assertThat(record(discarded).status()).isEqualTo(DeliveryStatus.DISCARDED);
        assertThat(record(next).status()).isEqualTo(DeliveryStatus.WAITING);
        assertThat(dueHeads(Instant.now())).extracting(Delivery::notificationId).containsExactly(next.id());
    }

    /** A notification whose first attempt was its last: a dead letter of the sink. */
    private Notification died(Notification notification, Instant now) {
        inTransaction(ledger -> ledger.sending(notification, now.plus(FirstAttempts.LEASE), now));
        inTransaction(ledger -> {
            ledger.attempted(notification, dead());
            return null;
        });
        assertThat(record(notification).status()).isEqualTo(DeliveryStatus.DEAD);
        return notification;
    }

    private static WebhookAttempts.Outcome failedUntil(Instant next) {
        var attempt = new Attempt(Attempt.Result.RETRY, 500, "HTTP 500", Optional.empty(), Duration.ZERO);
        return new WebhookAttempts.Outcome(attempt, new NextStep(NextStep.Kind.RETRY, next), 1, Instant.now());
    }

    private static WebhookAttempts.Outcome dead() {
        var attempt = new Attempt(Attempt.Result.REFUSED, 0, "refused", Optional.empty(), Duration.ZERO);
        return new WebhookAttempts.Outcome(attempt, new NextStep(NextStep.Kind.DEAD, null), 1, Instant.now());
    }
}
