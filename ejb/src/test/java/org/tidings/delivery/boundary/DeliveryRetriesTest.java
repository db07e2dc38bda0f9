package org.tidings.delivery.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.control.CircuitBreakers;
import org.tidings.delivery.control.NextStep;
import org.tidings.delivery.control.SinkConcurrency;
import org.tidings.delivery.control.WebhookAttempts;
import org.tidings.delivery.entity.Notification;
import org.tidings.delivery.webhook.Attempt;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;

/**
 * The retry worker's taking of a head when no attempt can follow: whatever it was granted for the attempt (a slot of
 * the sink, a half-open circuit's probe) is given back.
 */
class DeliveryRetriesTest {

    private final UUID sink = UUID.randomUUID();

    @Test
    void aHeadThatCannotBeTakenGivesBackItsSlotAndTheHalfOpenCircuitsProbe() throws Exception {
        var breakers = new CircuitBreakers();
        set(breakers, "threshold", 1);
        set(breakers, "openFor", Duration.ofSeconds(30));
        breakers.failed(sink, Instant.now().minusSeconds(31)); // opened 31 s ago: half-open now
        var concurrency = new SinkConcurrency();
        set(concurrency, "limit", 1);
        set(concurrency, "retryLimit", 1);
        var retries = new DeliveryRetries();
        retries.breakers = breakers;
        retries.concurrency = concurrency;
        retries.ledger = new DeliveryLedger() {
            @Override
            public Optional<Claim> claimed(long position, Instant lease, Instant now) {
                return Optional.empty(); // taken meanwhile by another instance's run
            }
        };
        Set<UUID> leftAlone = new HashSet<>();

        retries.take(sink, new java.util.concurrent.ConcurrentLinkedQueue<>(java.util.List.of(1L)), leftAlone);

        assertThat(leftAlone).as("left alone for the rest of the run").containsExactly(sink);
        assertThat(concurrency.tryAcquireRetry(sink)).as("its retry slot given back").isTrue();
        assertThat(breakers.allows(sink, Instant.now())).as("no attempt was made: the probe is still to be made")
                .isTrue();
    }

    @Test
    void aHeadWhoseTakingFailsCostsItsSinkTheRunAndNotTheOtherSinks() throws Exception {
        var concurrency = new SinkConcurrency();
        set(concurrency, "limit", 4);
        set(concurrency, "retryLimit", 2);
        var retries = new DeliveryRetries();
        retries.breakers = new CircuitBreakers();
        retries.concurrency = concurrency;
        retries.ledger = new DeliveryLedger() {
            @Override
            public Optional<Claim> claimed(long position, Instant lease, Instant now) {
                throw new IllegalStateException("its body cannot be numbered");
            }
        };
        Set<UUID> leftAlone = new HashSet<>();

        retries.takeAll(sink, new java.util.concurrent.ConcurrentLinkedQueue<>(java.util.List.of(1L, 2L)), leftAlone);

        assertThat(leftAlone).as("its sink left alone for the rest of the run, the run goes on").containsExactly(sink);
        assertThat(concurrency.tryAcquireRetry(sink)).as("its retry slot given back").isTrue();
    }

    /**
     * A sink whose receiver hangs holds at most its 4 slots of the attempt threads, first attempts and retries
     * together (found by the second review: with retry slots of their own, tried first, two hanging sinks took 16 of
     * 12 threads here, as 8 took all 64 in the container, and a live sink's first attempt did not start).
     */
    @Test
    void twoHangingSinksLeaveAThreadForALiveSinksFirstAttempt() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        var hang = new java.util.concurrent.CountDownLatch(1);
        try {
            var threads = new FirstAttempts(pool, Duration.ofMillis(100));
            var concurrency = new SinkConcurrency();
            set(concurrency, "limit", 4);
            set(concurrency, "retryLimit", 2);
            Sink a = new Sink("a", Channel.WEBHOOK, Instant.now());
            Sink b = new Sink("b", Channel.WEBHOOK, Instant.now());
            var rows = new java.util.concurrent.ConcurrentHashMap<Long, Sink>();
            var retries = new DeliveryRetries();
            retries.breakers = new CircuitBreakers();
            retries.concurrency = concurrency;
            retries.threads = threads;
            retries.attempts = new WebhookAttempts() {
                @Override
                public Outcome attempt(Sink sink, Notification notification, int attemptsBefore) {
                    awaitQuietly(hang);
                    throw new IllegalStateException("read timeout");
                }
            };
            retries.ledger = new DeliveryLedger() {
                @Override
                public Optional<Claim> claimed(long position, Instant lease, Instant now) {
                    Sink sink = rows.get(position);
                    return Optional.of(new Claim(new Notification("n" + position, sink.id(), UUID.randomUUID(),
                            "s" + position, "src", "e" + position, new byte[0]), 1, sink));
                }
            };
            long position = 0;
            for (Sink sink : new Sink[] {a, b}) {
                var heads = new java.util.concurrent.ConcurrentLinkedQueue<Long>();
                for (int i = 0; i < 5; i++) { // the retry worker's run first: heads of the sink's parked lines
                    rows.put(++position, sink);
                    heads.add(position);
                }
                retries.takeAll(sink.id(), heads, new HashSet<>());
                for (int i = 0; i < 4; i++) { // then the dispatcher's first attempts, as the sink's slots allow
                    if (concurrency.tryAcquire(sink.id(), Duration.ZERO)) {
                        threads.make("f" + sink.id() + i, () -> awaitQuietly(hang),
                                () -> concurrency.release(sink.id()));
                    }
                }
            }

            var live = new java.util.concurrent.CountDownLatch(1);
            threads.make("live", live::countDown, () -> { });

            assertThat(live.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("the live sink's first attempt started")
                    .isTrue();
            assertThat(concurrency.tryAcquire(a.id(), Duration.ZERO)).as("all 4 of a hanging sink's slots taken")
                    .isFalse();
        } finally {
            hang.countDown();
            pool.shutdownNow();
        }
    }

    /**
     * Recording an outcome together with the taking of the next of its line fails (the next row's lock was held too
     * long): that transaction rolled the outcome back too, so it is recorded alone, and the thread's slot is given back.
     */
    @Test
    void anOutcomeWhoseNextCouldNotBeTakenIsRecordedAlone() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var concurrency = new SinkConcurrency();
            set(concurrency, "limit", 1);
            set(concurrency, "retryLimit", 1);
            Sink target = new Sink("a", Channel.WEBHOOK, Instant.now());
            var taken = new Notification("n1", target.id(), UUID.randomUUID(), "s1", "src", "e1", new byte[0]);
            var recorded = new java.util.concurrent.CopyOnWriteArrayList<String>();
            var retries = new DeliveryRetries();
            retries.breakers = new CircuitBreakers();
            retries.concurrency = concurrency;
            retries.threads = new FirstAttempts(pool, Duration.ofMillis(100));
            retries.attempts = new WebhookAttempts() {
                @Override
                public Outcome attempt(Sink sink, Notification notification, int attemptsBefore) {
                    return new Outcome(new Attempt(Attempt.Result.DELIVERED, 200, "HTTP 200", Optional.empty(),
                            Duration.ZERO), new NextStep(NextStep.Kind.DELIVERED, null), attemptsBefore + 1,
                            Instant.now());
                }
            };
            retries.ledger = new DeliveryLedger() {
                @Override
                public Optional<Claim> claimed(long position, Instant lease, Instant now) {
                    return Optional.of(new Claim(taken, 0, target));
                }

                @Override
                public Optional<Claim> attemptedThenNext(Notification notification, WebhookAttempts.Outcome outcome,
                        Instant lease, Instant now) {
                    throw new IllegalStateException("timeout trying to lock the next row");
                }

                @Override
                public void attempted(Notification notification, WebhookAttempts.Outcome outcome) {
                    recorded.add(notification.id() + " " + outcome.step().kind());
                }
            };

            retries.take(target.id(), new java.util.concurrent.ConcurrentLinkedQueue<>(java.util.List.of(1L)),
                    new HashSet<>());

            await().atMost(Duration.ofSeconds(5)).until(() -> concurrency.tryAcquireRetry(target.id()));
            assertThat(recorded).as("the outcome, recorded alone").containsExactly("n1 DELIVERED");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void set(Object target, String field, Object value) throws ReflectiveOperationException {
        var declared = target.getClass().getDeclaredField(field);
        declared.setAccessible(true);
        declared.set(target, value);
    }
}
