package org.tidings.delivery.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes the first attempts of the dispatcher on threads of their own, so that a receiver that does not answer holds
 * no consumer of tidings.deliver for longer than {@code tidings.webhook.first-attempt-hold} (docs/adr/0012). The
 * broker pins each message group (bucket) to one consumer: a consumer held for a minute by a silent receiver would
 * hold every other sink's line pinned to it for that minute. The consumer waits for the attempt up to the hold (a
 * receiver that answers at once is answered on the consumer's watch, as before), unless its sink is slow (then not at
 * all, see {@code ReceiverPace}); past it, the consumer returns and
 * its message is acknowledged while the attempt goes on here. That is safe because the notification's row was
 * committed {@code SENDING} before the call: while the call runs this bean renews its lease every
 * {@link #RENEWAL}; if this instance dies, the lease runs out within {@link #LEASE} and the retry worker sends the
 * notification again, with the same {@code webhook-id}. Later notifications of its line park behind the row. The retry
 * worker's attempts run on the same threads ({@link #handOff}), nobody waiting for them, their rows' leases renewed
 * the same way.
 */
@ApplicationScoped
public class FirstAttempts {

    /** How long a row being sent is this instance's without a renewal. */
    public static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration RENEWAL = Duration.ofSeconds(10);
    /**
     * How long a consumer waits for its attempt to start: longer only if every thread is busy, and then it does not
     * wait for the queue (the attempt starts when a thread frees, its row's lease renewed meanwhile).
     */
    static final Duration START = Duration.ofMillis(100);

    private static final Logger LOG = Logger.getLogger(FirstAttempts.class.getName());

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threadFactory;

    @EJB
    DeliveryLedger ledger;

    @Inject
    @ConfigProperty(name = "tidings.webhook.first-attempt-hold", defaultValue = "PT2S")
    Duration hold;

    @Inject
    @ConfigProperty(name = "tidings.webhook.attempt-threads", defaultValue = "256")
    int threads;

    private final Clock clock = Clock.systemUTC();
    /**
     * The first attempts running on this instance: their rows' leases are renewed. One entry per attempt, not per
     * notification: a redelivery that took a notification over while its first sender still runs has its own.
     */
    private final Set<Handover> running = ConcurrentHashMap.newKeySet();
    private ExecutorService pool;
    private ScheduledExecutorService renewals;
    /** {@link #START}; longer in tests that must not take a slow thread start for a busy pool. */
    private Duration start = START;

    public FirstAttempts() {
    }

    /** For tests: attempts on {@code pool}, leases not renewed. */
    FirstAttempts(ExecutorService pool, Duration hold) {
        this(pool, hold, START);
    }

    /** For tests: as above, waiting up to {@code start} for an attempt to start. */
    FirstAttempts(ExecutorService pool, Duration hold, Duration start) {
        this.pool = pool;
        this.hold = hold;
        this.start = start;
    }

    @PostConstruct
    void start() {
        if (hold.isNegative() || threads < 1) {
            throw new IllegalStateException("tidings.webhook.first-attempt-hold must not be negative and "
                    + "tidings.webhook.attempt-threads must be at least 1");
        }
        var attempts = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                named(threadFactory, "tidings-first-attempt"));
        attempts.allowCoreThreadTimeOut(true);
        pool = attempts;
        var renewing = new ScheduledThreadPoolExecutor(1, named(threadFactory, "tidings-lease-renewal"));
        renewing.scheduleWithFixedDelay(this::renew, RENEWAL.toMillis(), RENEWAL.toMillis(), TimeUnit.MILLISECONDS);
        renewals = renewing;
    }

    @PreDestroy
    void stop() {
        renewals.shutdownNow();
        pool.shutdownNow(); // interrupted calls leave their rows SENDING: their leases run out, and they are sent again
    }

    /** {@link #make(String, Runnable, Runnable, boolean)}, the caller waiting. */
    public boolean make(String notificationId, Runnable attempt, Runnable done) {
        return make(notificationId, attempt, done, true);
    }

    /**
     * Runs {@code attempt} (the call and the record of its outcome) on a thread of this bean, and waits for it up to the
     * hold: its failure within the hold is the caller's, as if it had run on the caller's thread; after it, the
     * attempt is the bean's and a failure is logged. If every thread is busy, the caller does not wait at all: the
     * attempt waits for a thread as the bean's (see {@link #START}). With {@code wait} false (its sink's calls are
     * slow, docs/adr/0012) the caller does not wait either. {@code done} runs exactly once when the attempt ends (or
     * at once if it cannot start).
     *
     * @param notificationId the notification whose {@code SENDING} row the attempt holds
     * @return true if the caller stopped waiting because the attempt outlasted the hold
     */
    public boolean make(String notificationId, Runnable attempt, Runnable done, boolean wait) {
        var handover = new Handover(notificationId);
        running.add(handover);
        Future<?> call;
        try {
            call = pool.submit(() -> handover.run(attempt, done));
        } catch (RejectedExecutionException e) {
            running.remove(handover);
            done.run();
            throw e;
        }
        try {
            if (!wait) {
                letGo(handover, call, "is not waited for: its sink is slow");
                return false;
            }
            if (!handover.started(start)) {
                letGo(handover, call, "waits for a thread");
                return false;
            }
            call.get(hold.toMillis(), TimeUnit.MILLISECONDS);
            return false;
        } catch (TimeoutException e) {
            letGo(handover, call, "goes on after " + hold);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handover.abandon();
            return false;
        } catch (ExecutionException e) {
            throw rethrown(e);
        }
    }

    /** What a run of attempts handed off tells about the row it holds, so that its lease is the one renewed. */
    public interface Holder {
        /** From now on the run holds {@code notificationId}'s row (the one before is finished). */
        void holding(String notificationId);
    }

    /**
     * Runs {@code attempts} on a thread of this bean and returns at once (the retry worker's attempts, docs/adr/0012):
     * nobody waits for them, so a failure is logged. While they run, the lease of the row they hold (first
     * {@code notificationId}'s, then whatever they tell their {@link Holder}) is renewed. {@code done} runs exactly
     * once when they end (or at once if they cannot start).
     */
    public void handOff(String notificationId, Consumer<Holder> attempts, Runnable done) {
        var handover = new Handover(notificationId);
        handover.abandon(); // nobody waits: its failure is the log's
        running.add(handover);
        try {
            pool.submit(() -> handover.run(() -> attempts.accept(handover), done));
        } catch (RejectedExecutionException e) {
            running.remove(handover);
            done.run();
            throw e;
        }
    }

    /** The notification ids whose attempts run here now. */
    Set<String> running() {
        return running.stream().map(handover -> handover.notificationId).collect(Collectors.toUnmodifiableSet());
    }

    /** Renews the leases of the attempts running here; what goes wrong is logged, so the next renewal still runs. */
    void renew() {
        Set<String> held = running();
        if (held.isEmpty()) {
            return;
        }
        try {
            ledger.extendLeases(held, clock.instant().plus(LEASE));
        } catch (RuntimeException | Error e) {
            // caught whatever it is: a scheduled task that throws is never run again, and every later call would
            // lose its lease and be sent a second time by the retry worker while it still runs
            LOG.warning(() -> "the leases of " + held.size() + " first attempt(s) were not renewed: " + e);
        }
    }

    /**
     * The consumer stops waiting and goes on, unless the attempt ended meanwhile: then its outcome is the consumer's
     * after all, and is waited for (it has ended, so that is at once).
     */
    private static void letGo(Handover handover, Future<?> call, String why) {
        if (handover.abandon()) {
            LOG.fine(() -> "the first attempt of " + handover.notificationId + " " + why + "; its consumer goes on");
            return;
        }
        waitFor(call);
    }

    private static void waitFor(Future<?> call) {
        try {
            call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw rethrown(e);
        }
    }

    private static RuntimeException rethrown(ExecutionException e) {
        return e.getCause() instanceof RuntimeException runtime ? runtime
                : new IllegalStateException(e.getCause() == null ? e : e.getCause());
    }

    private static ThreadFactory named(ThreadFactory factory, String name) {
        return runnable -> {
            Thread thread = factory.newThread(runnable);
            thread.setName(name + "-" + thread.getId());
            return thread;
        };
    }

    /** One attempt and who answers for its failure: the waiting consumer, or, once it stopped waiting, the log. */
    private final class Handover implements Holder {
        private volatile String notificationId;
        private final CountDownLatch start = new CountDownLatch(1);
        private boolean ended;
        private boolean abandoned;

        Handover(String notificationId) {
            this.notificationId = notificationId;
        }

        void run(Runnable attempt, Runnable done) {
            start.countDown();
            try {
                attempt.run();
                ended();
            } catch (RuntimeException | Error e) {
                if (ended()) {
                    LOG.warning(() -> "the attempt of " + notificationId + " failed after its consumer went on (or "
                            + "with nobody waiting); its lease runs out and the retry worker sends it: " + e);
                }
                throw e;
            } finally {
                running.remove(this);
                done.run();
            }
        }

        @Override
        public void holding(String notificationId) {
            this.notificationId = notificationId;
        }

        /** True if the attempt started within {@code wait}. */
        boolean started(Duration wait) throws InterruptedException {
            return start.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Marks the attempt ended; true if its consumer had stopped waiting for it. */
        private synchronized boolean ended() {
            ended = true;
            return abandoned;
        }

        /** True if the consumer stops waiting now; false if the attempt had ended meanwhile. */
        synchronized boolean abandon() {
            abandoned = !ended;
            return abandoned;
        }
    }
}
