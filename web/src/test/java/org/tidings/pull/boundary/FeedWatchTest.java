package org.tidings.pull.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidings.pull.boundary.Feeds.Page;
import org.tidings.pull.entity.FeedAppended;
import org.tidings.pull.entity.FeedPositions;

/** The feed watch's threads, with clients that stop taking writes. Pure logic: no feed, no HTTP. */
class FeedWatchTest {

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final FeedWatch watch = new FeedWatch();

    @BeforeEach
    void watch() {
        watch.maxWaiters = 100;
        watch.pollInterval = Duration.ofHours(1); // no tick during a test: it calls what a tick would
        watch.threads = proxy(ManagedThreadFactory.class, (method, args) -> {
            Thread thread = new Thread((Runnable) args[0], "feed-watch-test");
            thread.setDaemon(true);
            return thread;
        });
        watch.scheduler = proxy(ManagedScheduledExecutorService.class, (method, args) ->
                ScheduledThreadPoolExecutor.class.getMethod(method.getName(), method.getParameterTypes())
                        .invoke(timer, args));
        watch.feeds = new Feeds() {
            @Override
            public Page read(UUID subscriptionId, long after, int limit) {
                return new Page(List.of(), FeedPositions.EMPTY);
            }
        };
        watch.started();
    }

    @AfterEach
    void stop() {
        released.countDown();
        watch.stopped();
        timer.shutdownNow();
    }

    @Test
    void aClientThatStopsTakingWritesHoldsOneThreadAndTheOthersAreStillServed() throws InterruptedException {
        UUID stuckFeed = UUID.randomUUID();
        AtomicInteger inStuck = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        Runnable blocked = () -> {
            mostAtOnce.accumulateAndGet(inStuck.incrementAndGet(), Math::max);
            try {
                released.await(); // a write that the client never takes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inStuck.decrementAndGet();
            }
        };
        assertThat(watch.admitted(new FakeWatcher(stuckFeed, blocked))).isTrue();
        for (int round = 0; round < 3 * FeedWatch.READERS; round++) {
            watch.heartbeats();
            watch.appended(new FeedAppended(stuckFeed, round + 1));
        }

        CountDownLatch served = new CountDownLatch(1);
        assertThat(watch.admitted(new FakeWatcher(UUID.randomUUID(), served::countDown))).isTrue();
        assertThat(served.await(10, TimeUnit.SECONDS)).as("another client is served").isTrue();
        assertThat(mostAtOnce).as("threads in the stuck client's writes at once").hasValue(1);
    }

    /** A client whose every write (a page or a heartbeat) runs {@code write}. */
    private record FakeWatcher(UUID subscriptionId, Runnable write) implements Watcher {

        @Override
        public long position() {
            return 0;
        }

        @Override
        public int limit() {
            return 100;
        }

        @Override
        public boolean caughtUp(Page page) {
            write.run();
            return false;
        }

        @Override
        public void failed(RuntimeException e) {
        }

        @Override
        public boolean heartbeat() {
            write.run();
            return true;
        }

        @Override
        public void end() {
        }
    }

    @FunctionalInterface
    private interface Handler {
        Object handle(java.lang.reflect.Method method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(FeedWatchTest.class.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> {
                    try {
                        return handler.handle(method, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }
}
