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
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.pull.entity.FeedAppended;
import org.tidings.trust.boundary.TokenDirectory;
import org.tidings.trust.control.Identity;

/**
 * The clients waiting on feeds (long-polls and event streams): at most {@code tidings.pull.max-waiters} (1000) on
 * this instance, {@code tidings.pull.max-waiters-per-subscription} (16) per subscription and
 * {@code tidings.pull.max-waiters-per-address} (100) per connecting address (per /64 for IPv6, a network that one
 * client commonly holds whole: {@link ClientAddresses}), so that one client cannot take the
 * instance's places through many subscriptions (behind a reverse proxy every client has the proxy's address: raise
 * the limit to the instance's there), and {@code tidings.pull.max-waiters-per-principal} (250) per principal,
 * whatever addresses it comes from; none holds a thread
 * while it waits (docs/adr/0015). A waiter is woken at once by an append on this instance, and within
 * {@code tidings.pull.poll-interval} (1 s) by an append on another: every interval, one query reads the last
 * sequence number of every subscription waited on.
 * <p>
 * Feeds are read on {@value #READERS} shared threads, which never write to a client. Writes (pages, events,
 * heartbeats) run on writer threads, one client's at a time on each: a client that stops reading holds its own
 * writer thread and no one else's. A write that makes no progress for {@code tidings.pull.send-timeout} (10 s) is
 * interrupted, which makes Grizzly give it up and close the connection, and its waiter is dropped. Writer threads
 * are at most one per waiter (each has at most one task queued or running), capped at the waiter limit. When the
 * application stops, long-polls are answered with an empty page and streams are closed.
 */
@ApplicationScoped
public class FeedWatch {

    private static final Logger LOG = Logger.getLogger(FeedWatch.class.getName());

    /** Threads that read feeds: they never write to a client, so no client can hold one for long. */
    static final int READERS = 8;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

    @EJB
    Feeds feeds;

    @EJB
    TokenDirectory tokens;

    @Inject
    @ConfigProperty(name = "tidings.pull.max-waiters", defaultValue = "1000")
    int maxWaiters;

    @Inject
    @ConfigProperty(name = "tidings.pull.max-waiters-per-subscription", defaultValue = "16")
    int maxWaitersPerSubscription;

    @Inject
    @ConfigProperty(name = "tidings.pull.max-waiters-per-address", defaultValue = "100")
    int maxWaitersPerAddress;

    /**
     * Long-polls and streams one principal (a subscriber, an administrator) may have waiting on this instance, whatever
     * subscriptions and addresses they come from: without it one subscriber with 63 subscriptions and ten addresses (or
     * one IPv6 /56) took all of an instance's places (a hostile review).
     */
    @Inject
    @ConfigProperty(name = "tidings.pull.max-waiters-per-principal", defaultValue = "250")
    int maxWaitersPerPrincipal;

    @Inject
    @ConfigProperty(name = "tidings.pull.poll-interval", defaultValue = "PT1S")
    Duration pollInterval;

    @Inject
    @ConfigProperty(name = "tidings.pull.send-timeout", defaultValue = "PT10S")
    Duration sendTimeout;

    /**
     * How often an idle event stream gets a comment line (checked on each poll interval's tick), which keeps proxies
     * from closing it and finds streams whose client went away.
     */
    @Inject
    @ConfigProperty(name = "tidings.pull.heartbeat", defaultValue = "PT15S")
    Duration heartbeat;

    private final Map<UUID, Set<Waiting>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    /** Waiters per connecting address; an address with none has no entry. */
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    /** Waiters per principal (with security on); a principal with none has no entry. */
    private final Map<String, Integer> perPrincipal = new ConcurrentHashMap<>();
    private ThreadPoolExecutor readers;
    private ThreadPoolExecutor writers;
    private volatile ScheduledFuture<?> ticker;
    private volatile boolean stopping;
    private long lastHeartbeat = System.nanoTime();

    @PostConstruct
    void started() {
        readers = new ThreadPoolExecutor(READERS, READERS, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), threads);
        readers.allowCoreThreadTimeOut(true);
        writers = new ThreadPoolExecutor(0, maxWaiters, 1, TimeUnit.MINUTES, new SynchronousQueue<>(), threads);
    }

    /**
     * Starts watching for {@code watcher}, and reads once at once (an append may have committed since the caller
     * last read).
     *
     * @throws TidingsException unavailable (503, Retry-After) if the instance or the subscription already has its
     *                          limit of waiters, or the instance is stopping; rate-limited (429, Retry-After) if the
     *                          client's address has; nothing is registered then
     */
    public void admit(Watcher watcher) {
        if (stopping || count.incrementAndGet() > maxWaiters) {
            count.decrementAndGet();
            throw new TidingsException(ErrorCode.UNAVAILABLE, "this instance has its limit of waiting clients; "
                    + "retry later");
        }
        if (!placeTaken(perAddress, ClientAddresses.limitedAs(watcher.remoteAddress()), maxWaitersPerAddress)) {
            count.decrementAndGet();
            throw new TidingsException(ErrorCode.RATE_LIMITED, "this client address has its limit of "
                    + maxWaitersPerAddress + " waiting clients on this instance; retry later");
        }
        String principal = principalOf(watcher);
        if (principal != null && !placeTaken(perPrincipal, principal, maxWaitersPerPrincipal)) {
            count.decrementAndGet();
            placeFreed(perAddress, ClientAddresses.limitedAs(watcher.remoteAddress()));
            throw new TidingsException(ErrorCode.RATE_LIMITED, "this principal has its limit of "
                    + maxWaitersPerPrincipal + " waiting clients on this instance; retry later");
        }
        var entry = new Waiting(watcher, this);
        var added = new AtomicBoolean();
        waiting.compute(watcher.subscriptionId(), (id, of) -> {
            Set<Waiting> set = of != null ? of : ConcurrentHashMap.newKeySet();
            if (set.size() < maxWaitersPerSubscription) {
                added.set(set.add(entry));
            }
            return set.isEmpty() ? null : set;
        });
        if (!added.get()) {
            count.decrementAndGet();
            placesFreed(watcher);
            throw new TidingsException(ErrorCode.UNAVAILABLE, "this subscription has its limit of "
                    + maxWaitersPerSubscription + " waiting clients on this instance; retry later");
        }
        startTicker();
        entry.wake();
    }

    /** Stops watching for {@code watcher} (answered, timed out, disconnected); nothing if it was not watched. */
    public void removed(Watcher watcher) {
        Set<Waiting> of = waiting.get(watcher.subscriptionId());
        if (of != null) {
            of.stream().filter(w -> w.watcher == watcher).findFirst().ifPresent(this::remove);
        }
    }

    /** Whether the token a watcher's wait began with still gives the same identity (always, with security off). */
    boolean stillAuthorized(Watcher watcher) {
        Identity caller = watcher.caller();
        return caller == null || tokens.stillGives(caller);
    }

    /** How many clients wait on this instance. */
    int waiters() {
        return count.get();
    }

    void remove(Waiting entry) {
        entry.done = true;
        var removed = new AtomicBoolean();
        waiting.computeIfPresent(entry.watcher.subscriptionId(), (id, set) -> {
            removed.set(set.remove(entry));
            return set.isEmpty() ? null : set;
        });
        if (removed.get()) {
            count.decrementAndGet();
            placesFreed(entry.watcher);
        }
    }

    /** Takes one of the key's places in {@code places}; false if it has none left. */
    private static boolean placeTaken(Map<String, Integer> places, String key, int max) {
        var taken = new AtomicBoolean();
        places.compute(key, (k, held) -> {
            int now = held == null ? 0 : held;
            if (now >= max) {
                return held;
            }
            taken.set(true);
            return now + 1;
        });
        return taken.get();
    }

    private static void placeFreed(Map<String, Integer> places, String key) {
        places.computeIfPresent(key, (k, held) -> held > 1 ? held - 1 : null);
    }

    private void placesFreed(Watcher watcher) {
        placeFreed(perAddress, ClientAddresses.limitedAs(watcher.remoteAddress()));
        String principal = principalOf(watcher);
        if (principal != null) {
            placeFreed(perPrincipal, principal);
        }
    }

    /** The principal a waiter is counted for, or null with security off. */
    private static String principalOf(Watcher watcher) {
        Identity caller = watcher.caller();
        return caller == null ? null : caller.kind() + " " + caller.principalId();
    }

    /** How many clients of this principal wait on this instance. */
    int waitersOfPrincipal(Identity caller) {
        return perPrincipal.getOrDefault(caller.kind() + " " + caller.principalId(), 0);
    }

    /** How many clients of this address (of its /64, for IPv6) wait on this instance. */
    int waitersOf(String address) {
        return perAddress.getOrDefault(ClientAddresses.limitedAs(address), 0);
    }

    ThreadPoolExecutor readers() {
        return readers;
    }

    ThreadPoolExecutor writers() {
        return writers;
    }

    Feeds feeds() {
        return feeds;
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

    /** Interrupts stalled writes, finds appends made on other instances, and keeps idle streams alive. */
    private void tick() {
        try {
            stalledWritesInterrupted();
            revokedEnded();
            if (!waiting.isEmpty()) {
                Set<UUID> waitedOn = Set.copyOf(waiting.keySet());
                feeds.lastOf(waitedOn).forEach(this::wakeBehind);
                goneEnded(waitedOn);
            }
            if (System.nanoTime() - lastHeartbeat > heartbeat.toNanos()) {
                lastHeartbeat = System.nanoTime();
                heartbeats();
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "waiting pull clients not checked this time: " + e);
        }
    }

    /** Drops every waiter whose write has made no progress for the send timeout, interrupting the write. */
    void stalledWritesInterrupted() {
        long now = System.nanoTime();
        waiting.values().forEach(of -> of.forEach(w -> w.interruptIfStalled(now, sendTimeout)));
    }

    /**
     * Wakes every waiter whose token no longer gives the identity its wait began with: its read then fails it, so a
     * revoked token's stream is closed within a poll interval even while nothing is appended.
     */
    void revokedEnded() {
        waiting.values().forEach(of -> of.stream().filter(w -> !stillAuthorized(w.watcher)).forEach(Waiting::wake));
    }

    /**
     * Wakes every waiter of a subscription that no longer exists (deleted, or expired and reaped): its read then fails
     * with 404, which closes a stream and answers a long-poll. Before, such a stream was kept alive with heartbeats for
     * as long as nothing was appended, which for a deleted subscription is for ever (a hostile review).
     */
    void goneEnded(Set<UUID> waitedOn) {
        Set<UUID> existing = feeds.existing(waitedOn);
        waitedOn.stream().filter(id -> !existing.contains(id)).map(waiting::get).filter(java.util.Objects::nonNull)
                .forEach(of -> of.forEach(Waiting::wake));
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
        readers.shutdownNow();
        writers.shutdownNow(); // interrupts writes still stuck: Grizzly gives them up
    }
}
