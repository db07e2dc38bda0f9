package org.tidings.pull.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.pull.entity.FeedAppended;

/**
 * The clients waiting on feeds (long-polls and event streams), at most {@code tidings.pull.max-waiters} (1000) at
 * once on this instance; none holds a thread while it waits (docs/adr/0015). A waiter is woken at once by an append
 * on this instance, and within {@code tidings.pull.poll-interval} (1 s) by an append on another: every interval,
 * one query reads the last sequence number of every subscription waited on. Each wake reads the feed and writes to
 * the client on one of {@value #READERS} managed threads, one task at a time per waiter: a client that stops taking
 * writes holds one of them until the container's socket write gives up. When the application stops, long-polls are
 * answered with an empty page and streams are closed.
 */
@ApplicationScoped
public class FeedWatch {

    /** How often an idle event stream gets a comment line, which also finds streams whose client went away. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private static final Logger LOG = Logger.getLogger(FeedWatch.class.getName());

    /** Threads that read feeds and write to clients: a client slow to take a write holds one of them, not all. */
    static final int READERS = 8;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

    @EJB
    Feeds feeds;

    @Inject
    @ConfigProperty(name = "tidings.pull.max-waiters", defaultValue = "1000")
    int maxWaiters;

    @Inject
    @ConfigProperty(name = "tidings.pull.poll-interval", defaultValue = "PT1S")
    Duration pollInterval;

    private final Map<UUID, Set<Waiting>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private ThreadPoolExecutor executor;
    private volatile ScheduledFuture<?> ticker;
    private volatile boolean stopping;
    private long lastHeartbeat = System.nanoTime();

    /**
     * A watcher with what serializes the work for it: at most one task per watcher is queued or running at a time,
     * reading the feed when asked to and sending a heartbeat when one is due, so a client that stops taking writes
     * holds one reader thread, never more (a send to an event stream blocks until the container's socket write
     * gives up: Jersey's SseEventSink.send writes synchronously).
     */
    private final class Waiting {
        final Watcher watcher;
        final AtomicBoolean scheduled = new AtomicBoolean();
        final AtomicBoolean readAsked = new AtomicBoolean();
        final AtomicBoolean beatAsked = new AtomicBoolean();
        volatile boolean done;

        Waiting(Watcher watcher) {
            this.watcher = watcher;
        }

        void wake() {
            readAsked.set(true);
            schedule();
        }

        void beatLater() {
            beatAsked.set(true);
            schedule();
        }

        private void schedule() {
            if (!done && scheduled.compareAndSet(false, true)) {
                executor.execute(this::work);
            }
        }

        private void work() {
            try {
                while (!done) {
                    if (readAsked.getAndSet(false)) {
                        read();
                    } else if (beatAsked.getAndSet(false)) {
                        beat();
                    } else {
                        break;
                    }
                }
            } finally {
                scheduled.set(false);
                if (readAsked.get() || beatAsked.get()) {
                    schedule(); // asked for while this task was finishing
                }
            }
        }

        private void beat() {
            if (!watcher.heartbeat()) {
                remove(this);
            }
        }

        private void read() {
            try {
                if (watcher.caughtUp(feeds.read(watcher.subscriptionId(), watcher.position(), watcher.limit()))) {
                    remove(this);
                }
            } catch (RuntimeException e) {
                remove(this);
                watcher.failed(e);
            }
        }
    }

    @PostConstruct
    void started() {
        executor = new ThreadPoolExecutor(READERS, READERS, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                threads);
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Starts watching for {@code watcher}, and reads once at once (an append may have committed since the caller
     * last read). False, and nothing registered, if the instance already has its limit of waiters or is stopping.
     */
    public boolean admitted(Watcher watcher) {
        if (stopping || count.incrementAndGet() > maxWaiters) {
            count.decrementAndGet();
            return false;
        }
        var entry = new Waiting(watcher);
        waiting.computeIfAbsent(watcher.subscriptionId(), id -> ConcurrentHashMap.newKeySet()).add(entry);
        startTicker();
        entry.wake();
        return true;
    }

    /** Stops watching for {@code watcher} (answered, timed out, disconnected); nothing if it was not watched. */
    public void removed(Watcher watcher) {
        Set<Waiting> of = waiting.get(watcher.subscriptionId());
        if (of != null) {
            of.stream().filter(w -> w.watcher == watcher).findFirst().ifPresent(this::remove);
        }
    }

    private void remove(Waiting entry) {
        entry.done = true;
        Set<Waiting> of = waiting.get(entry.watcher.subscriptionId());
        if (of != null && of.remove(entry)) {
            count.decrementAndGet();
            waiting.computeIfPresent(entry.watcher.subscriptionId(), (id, set) -> set.isEmpty() ? null : set);
        }
    }

    void appended(@Observes(during = TransactionPhase.AFTER_SUCCESS) FeedAppended appended) {
        wakeBehind(appended.subscriptionId(), appended.seq());
    }

    private void wakeBehind(UUID subscriptionId, long seq) {
        Set<Waiting> of = waiting.get(subscriptionId);
        if (of != null) {
            of.stream().filter(w -> w.watcher.position() < seq).forEach(Waiting::wake);
        }
    }

    private synchronized void startTicker() {
        if (ticker == null && !stopping) {
            ticker = scheduler.scheduleWithFixedDelay(this::tick, pollInterval.toMillis(), pollInterval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Finds appends made on other instances, and keeps idle streams alive. */
    private void tick() {
        try {
            if (!waiting.isEmpty()) {
                feeds.lastOf(Set.copyOf(waiting.keySet())).forEach(this::wakeBehind);
            }
            if (System.nanoTime() - lastHeartbeat > HEARTBEAT.toNanos()) {
                lastHeartbeat = System.nanoTime();
                heartbeats();
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "waiting pull clients not checked this time: " + e);
        }
    }

    /** Asks every waiter for a heartbeat; one still pending from the last round is not asked again. */
    void heartbeats() {
        waiting.values().forEach(of -> of.forEach(Waiting::beatLater));
    }

    /** Answers every long-poll with an empty page and closes every stream: the application stops. */
    @PreDestroy
    void stopped() {
        stopping = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        waiting.values().forEach(of -> of.forEach(w -> {
            remove(w);
            try {
                w.watcher.end();
            } catch (RuntimeException e) {
                LOG.fine(() -> "a waiting pull client could not be ended: " + e);
            }
        }));
        executor.shutdownNow();
    }
}
