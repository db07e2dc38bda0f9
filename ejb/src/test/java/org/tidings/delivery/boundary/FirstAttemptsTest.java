package org.tidings.delivery.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hand-over of a first attempt from the consumer that took its notification to a thread of its own: a consumer
 * waits for a quick attempt and answers for its failure, and goes on past the hold while a slow one runs.
 */
class FirstAttemptsTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicInteger done = new AtomicInteger();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aQuickAttemptIsWaitedForAndItsFailureIsTheConsumers() {
        // threads are free: a start that takes longer than 100 ms is a busy machine's, not a busy pool's
        var attempts = new FirstAttempts(pool, Duration.ofMinutes(1), Duration.ofSeconds(30));
        AtomicInteger made = new AtomicInteger();

        attempts.make("n1", made::incrementAndGet, done::incrementAndGet);
        assertThat(made).hasValue(1);
        assertThat(done).as("the slot is released before the consumer goes on").hasValue(1);

        assertThatThrownBy(() -> attempts.make("n2", () -> {
            throw new IllegalStateException("the database is down");
        }, done::incrementAndGet)).isInstanceOf(IllegalStateException.class).hasMessage("the database is down");
        assertThat(done).hasValue(2);
        assertThat(attempts.running()).isEmpty();
    }

    @Test
    void anAttemptThatOutlastsTheHoldGoesOnWhileTheConsumerReturns() throws InterruptedException {
        var attempts = new FirstAttempts(pool, Duration.ofMillis(100), Duration.ofSeconds(30));
        var answer = new CountDownLatch(1);
        AtomicInteger made = new AtomicInteger();

        boolean outlasted = attempts.make("slow", () -> {
            awaitQuietly(answer);
            made.incrementAndGet();
        }, done::incrementAndGet);

        assertThat(outlasted).as("the consumer says it stopped waiting at the hold").isTrue();
        assertThat(made).as("the consumer went on before the receiver answered").hasValue(0);
        assertThat(done).as("the sink's slot stays taken while the call runs").hasValue(0);
        assertThat(attempts.running()).as("its lease is renewed").containsExactly("slow");
        answer.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);
        assertThat(made).hasValue(1);
        assertThat(attempts.running()).isEmpty();
    }

    /**
     * A consumer told not to wait (its sink's calls are slow, docs/adr/0012) goes on at once, whatever the hold, while
     * the attempt runs with its lease renewed; the attempt's end releases the slot once.
     */
    @Test
    void aConsumerThatIsNotToWaitGoesOnAtOnceWhileTheAttemptRuns() {
        var attempts = new FirstAttempts(pool, Duration.ofMinutes(10));
        var answer = new CountDownLatch(1);
        AtomicInteger made = new AtomicInteger();

        boolean outlasted = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> attempts.make("slow", () -> {
            awaitQuietly(answer);
            made.incrementAndGet();
        }, done::incrementAndGet, false), "the consumer did not wait for the receiver");

        assertThat(outlasted).as("it did not wait for the hold").isFalse();
        assertThat(made).hasValue(0);
        assertThat(attempts.running()).as("its lease is renewed").containsExactly("slow");
        answer.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);
        assertThat(made).hasValue(1);
        assertThat(attempts.running()).isEmpty();
    }

    /**
     * The retry worker hands a line off and goes on at once; the lease renewed is that of the row the line holds now,
     * the next one once the first is delivered, and none when it ends; a failure with nobody waiting is the log's.
     */
    @Test
    void aHandedOffLineIsNotWaitedForAndTheRowItHoldsNowIsTheOneRenewed() {
        var attempts = new FirstAttempts(pool, Duration.ofMinutes(1));
        var firstAnswered = new CountDownLatch(1);
        var secondTaken = new CountDownLatch(1);
        var secondAnswered = new CountDownLatch(1);

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> attempts.handOff("n1", holder -> {
            awaitQuietly(firstAnswered);
            holder.holding("n2");
            secondTaken.countDown();
            awaitQuietly(secondAnswered);
            throw new IllegalStateException("the outcome could not be recorded");
        }, done::incrementAndGet), "the worker does not wait for the line");

        assertThat(attempts.running()).as("the worker did not wait for the receiver").containsExactly("n1");
        firstAnswered.countDown();
        awaitQuietly(secondTaken);
        assertThat(attempts.running()).as("the next of the line is held now").containsExactly("n2");
        assertThat(done).as("the sink's slot stays taken while the line runs").hasValue(0);
        secondAnswered.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);
        assertThat(attempts.running()).isEmpty();
    }

    @Test
    void aTakeOverWhileTheFirstSenderStillRunsKeepsItsOwnLeaseRenewed() {
        var attempts = new FirstAttempts(pool, Duration.ofMillis(100));
        var first = new CountDownLatch(1);
        var second = new CountDownLatch(1);

        attempts.make("n1", () -> awaitQuietly(first), done::incrementAndGet);
        attempts.make("n1", () -> awaitQuietly(second), done::incrementAndGet);
        first.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);

        assertThat(attempts.running()).as("the redelivery's attempt still runs").containsExactly("n1");
        second.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 2);
        assertThat(attempts.running()).isEmpty();
    }

    /**
     * Every thread taken by receivers that do not answer: a consumer must not wait the hold for an attempt that only
     * waits for a thread (it would move one notification per hold); the attempt runs when a thread frees.
     */
    @Test
    void aConsumerDoesNotWaitForAnAttemptThatWaitsForAThread() {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            var answer = new CountDownLatch(1);
            new FirstAttempts(one, Duration.ofMillis(100)).make("hanging", () -> awaitQuietly(answer),
                    done::incrementAndGet);
            var patient = new FirstAttempts(one, Duration.ofMinutes(10));
            AtomicInteger made = new AtomicInteger();

            assertTimeoutPreemptively(Duration.ofMinutes(1),
                    () -> patient.make("queued", made::incrementAndGet, done::incrementAndGet),
                    "the consumer waited for an attempt that had no thread");
            assertThat(made).hasValue(0);
            assertThat(patient.running()).as("its lease is renewed while it waits").containsExactly("queued");

            answer.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 2);
            assertThat(made).hasValue(1);
            assertThat(patient.running()).isEmpty();
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void aFailureAfterTheConsumerWentOnIsNotThrownAtAnyone() {
        var attempts = new FirstAttempts(pool, Duration.ofMillis(100));
        var answer = new CountDownLatch(1);

        attempts.make("slow", () -> {
            awaitQuietly(answer);
            throw new IllegalStateException("the outcome could not be recorded");
        }, done::incrementAndGet);

        answer.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);
        assertThat(attempts.running()).isEmpty();
    }

    @Test
    void anAttemptThatCannotStartReleasesItsSlotAtOnce() {
        pool.shutdown();
        var attempts = new FirstAttempts(pool, Duration.ofSeconds(1));

        assertThatThrownBy(() -> attempts.make("n1", () -> {
        }, done::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
        assertThat(done).hasValue(1);
        assertThat(attempts.running()).isEmpty();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertThat(latch.await(1, TimeUnit.MINUTES)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aRenewalThatFailsWithAnErrorLeavesTheNextRenewalToRun() throws InterruptedException {
        var renewed = new java.util.concurrent.CopyOnWriteArrayList<java.util.Set<String>>();
        var attempts = new FirstAttempts(pool, Duration.ofMillis(50));
        attempts.ledger = new DeliveryLedger() {
            @Override
            public void extendLeases(java.util.Set<String> notificationIds, java.time.Instant lease) {
                if (renewed.isEmpty()) {
                    renewed.add(java.util.Set.of());
                    throw new NoClassDefFoundError("what a broken deployment throws");
                }
                renewed.add(notificationIds);
            }
        };
        var answer = new CountDownLatch(1);
        attempts.make("long", () -> awaitQuietly(answer), done::incrementAndGet);

        // the scheduled executor would cancel the renewal task for good if it threw: it must not
        attempts.renew();
        attempts.renew();
        assertThat(renewed).as("the second renewal ran after the first failed").hasSize(2);
        assertThat(renewed.get(1)).containsExactly("long");
        answer.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);
    }

}
