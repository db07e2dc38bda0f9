package org.tidings.delivery.purge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Sends identical requests (equal keys) at most once per window, so that a storm of invalidations of one URI is
 * absorbed rather than amplified (RUP-17). A request whose key was not sent within the last window goes at once. A
 * request whose key was sent less than a window ago waits for the window's end, and every identical request that
 * arrives until then joins it: one request is sent for all of them at the window's end, and its answer is each one's
 * answer. A request is never answered by one that was sent before it was asked for, so a cache that refetched
 * between an earlier purge and a later change is still purged after that change.
 *
 * <p>In memory, per instance, thread-safe. No thread of its own: the caller that opens a batch sends it (after
 * waiting for the window's end), and the others wait for its answer. A caller sends every batch it leads before it
 * waits for any other, so callers never wait for each other in a circle.
 *
 * @param <K> what makes two requests identical
 * @param <V> the answer to a request
 */
public final class Coalescer<K, V> {

    /** Waits until the given {@link LongSupplier} nanosecond time. */
    @FunctionalInterface
    public interface Sleeper {
        void sleepUntil(long nanoTime) throws InterruptedException;
    }

    /** Requests of one key that are sent together. */
    private static final class Batch<V> {
        final long sendAt;
        final CompletableFuture<V> answer = new CompletableFuture<>();

        Batch(long sendAt) {
            this.sendAt = sendAt;
        }
    }

    /** When the key was last sent, and the batch that waits to be sent next (null if none). */
    private record State<V>(long lastSent, Batch<V> next) {
    }

    private static final int SWEEP_EVERY = 1024;

    private final long window;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final Map<K, State<V>> states = new ConcurrentHashMap<>();
    private final AtomicLong enrolments = new AtomicLong();

    public Coalescer(Duration window, LongSupplier nanoTime, Sleeper sleeper) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("the window is not negative: " + window);
        }
        this.window = window.toNanos();
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** A coalescer on the system's clock. */
    public static <K, V> Coalescer<K, V> of(Duration window) {
        return new Coalescer<>(window, System::nanoTime, until -> {
            long wait = until - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        });
    }

    /** A caller's requests: those it sends (for itself and whoever joins) and those it waits for. */
    public final class Ticket {
        private final Map<K, Batch<V>> led = new LinkedHashMap<>();
        private final Map<K, Batch<V>> joined = new LinkedHashMap<>();
        private final List<K> order = new ArrayList<>();

        /** How many of this caller's requests joined a batch another caller sends. */
        public int joined() {
            return joined.size();
        }

        /**
         * Sends the batches this caller leads (the due ones at once, the others at their window's end) with
         * {@code send}, then waits for the answers of those it joined. {@code send} should not throw; if it does,
         * every request of that batch fails with its exception.
         *
         * @return the answer to each key, in the order the keys were given
         * @throws InterruptedException if interrupted while waiting; batches led and not yet sent are then answered
         *     with the interruption, so no other caller waits for ever
         */
        public Map<K, V> complete(Function<K, V> send) throws InterruptedException {
            List<Map.Entry<K, Batch<V>>> waiting = new ArrayList<>(led.entrySet());
            waiting.sort((a, b) -> Long.compare(a.getValue().sendAt, b.getValue().sendAt));
            try {
                for (Map.Entry<K, Batch<V>> entry : waiting) {
                    sleeper.sleepUntil(entry.getValue().sendAt);
                    sent(entry.getKey(), entry.getValue());
                    try {
                        entry.getValue().answer.complete(send.apply(entry.getKey()));
                    } catch (RuntimeException e) {
                        entry.getValue().answer.completeExceptionally(e);
                    }
                }
            } catch (InterruptedException e) {
                for (Map.Entry<K, Batch<V>> entry : waiting) {
                    sent(entry.getKey(), entry.getValue());
                    entry.getValue().answer.completeExceptionally(e);
                }
                throw e;
            }
            Map<K, V> answers = new LinkedHashMap<>();
            for (K key : order) {
                Batch<V> batch = led.containsKey(key) ? led.get(key) : joined.get(key);
                try {
                    answers.put(key, batch.answer.get());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
            return answers;
        }
    }

    /** Joins each key to the batch that waits for it, or opens one that this caller will send. Never blocks. */
    public Ticket enrol(Collection<K> keys) {
        Ticket ticket = new Ticket();
        for (K key : new LinkedHashSet<>(keys)) {
            ticket.order.add(key);
            states.compute(key, (k, state) -> {
                long now = nanoTime.getAsLong();
                if (state != null && state.next() != null) {
                    ticket.joined.put(k, state.next());
                    return state;
                }
                boolean recent = state != null && now - state.lastSent() < window;
                Batch<V> batch = new Batch<>(recent ? state.lastSent() + window : now);
                ticket.led.put(k, batch);
                return new State<>(recent ? state.lastSent() : now - window, batch);
            });
        }
        if (enrolments.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep();
        }
        return ticket;
    }

    /** Closes the batch (no one joins it any more) and starts the key's window. */
    private void sent(K key, Batch<V> batch) {
        states.computeIfPresent(key, (k, state) -> state.next() == batch
                ? new State<>(nanoTime.getAsLong(), null) : state);
    }

    /** Forgets keys not sent within the window and not waiting, so that the map holds only recent keys. */
    private void sweep() {
        long now = nanoTime.getAsLong();
        states.forEach((key, state) -> {
            if (state.next() == null && now - state.lastSent() >= window) {
                states.remove(key, state);
            }
        });
    }

    /** The keys remembered now (sent within the window or waiting), for tests and metrics. */
    int remembered() {
        return states.size();
    }
}
