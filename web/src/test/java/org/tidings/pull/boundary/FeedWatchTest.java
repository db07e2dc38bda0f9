package org.tidings.pull.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.pull.boundary.Feeds.Page;
import org.tidings.pull.entity.FeedAppended;
import org.tidings.pull.entity.FeedEntry;
import org.tidings.pull.entity.FeedPositions;
import org.tidings.trust.boundary.TokenDirectory;
import org.tidings.trust.control.Identity;
import org.tidings.trust.entity.PrincipalKind;

/** The feed watch's threads and limits, with clients that stop taking writes. Pure logic: no feed, no HTTP. */
class FeedWatchTest {

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final FeedWatch watch = new FeedWatch();

    @BeforeEach
    void watch() {
        watch.maxWaiters = 100;
        watch.maxWaitersPerSubscription = 3;
        watch.maxWaitersPerAddress = 50;
        watch.maxWaitersPerPrincipal = 50;
        watch.sendTimeout = Duration.ZERO; // a write still running when the test checks for stalls has stalled
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
        CountDownLatch writing = new CountDownLatch(1);
        Runnable blocked = () -> {
            mostAtOnce.accumulateAndGet(inStuck.incrementAndGet(), Math::max);
            writing.countDown();
            try {
                released.await(); // a write that the client never takes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inStuck.decrementAndGet();
            }
        };
        watch.admit(new FakeWatcher(stuckFeed, blocked));
        for (int round = 0; round < 3 * FeedWatch.READERS; round++) {
            watch.heartbeats();
            watch.appended(new FeedAppended(stuckFeed, round + 1));
        }

        CountDownLatch served = new CountDownLatch(1);
        watch.admit(new FakeWatcher(UUID.randomUUID(), served::countDown));
        assertThat(served.await(10, TimeUnit.SECONDS)).as("another client is served").isTrue();
        assertThat(writing.await(10, TimeUnit.SECONDS)).as("the stuck client is in a write").isTrue();
        assertThat(mostAtOnce).as("threads in the stuck client's writes at once").hasValue(1);
    }

    @Test
    void clientsThatStopTakingWritesDoNotStopAnotherBeingServedAndAreDroppedWhenTheirWritesStall()
            throws InterruptedException {
        List<FakeWatcher> stuck = new ArrayList<>();
        CountDownLatch allWriting = new CountDownLatch(FeedWatch.READERS + 1);
        for (int i = 0; i <= FeedWatch.READERS; i++) {
            var watcher = new FakeWatcher(UUID.randomUUID(), () -> {
                allWriting.countDown();
                try {
                    released.await(); // a write that the client never takes
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // as Grizzly does: it gives the write up
                }
            });
            stuck.add(watcher);
            watch.admit(watcher);
        }
        CountDownLatch served = new CountDownLatch(1);
        watch.admit(new FakeWatcher(UUID.randomUUID(), served::countDown));
        // generous bounds, not speed goals: without the fix the other client is never served
        assertThat(served.await(10, TimeUnit.SECONDS)).as("another client is served").isTrue();
        assertThat(allWriting.await(10, TimeUnit.SECONDS)).as("every stuck client is in a write").isTrue();
        // the served client's write has ended only when its writer thread is idle again: with a send timeout of
        // zero, a write still between its last step and its end counts as stalled (CI saw it dropped too)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(watch.writers().getActiveCount())
                .as("writer threads busy: the stuck clients' only").isEqualTo(stuck.size()));

        watch.stalledWritesInterrupted(); // what a tick does once the send timeout has passed
        for (FakeWatcher watcher : stuck) {
            assertThat(watcher.stalled.await(10, TimeUnit.SECONDS)).as("stalled client told").isTrue();
        }
        assertThat(watch.waiters()).as("stalled clients dropped, the served one stays").isEqualTo(1);
    }

    @Test
    void aSubscriptionHasAtMostItsShareOfWaiters() {
        UUID busy = UUID.randomUUID();
        var first = new FakeWatcher(busy, () -> { });
        watch.admit(first);
        for (int i = 1; i < watch.maxWaitersPerSubscription; i++) {
            watch.admit(new FakeWatcher(busy, () -> { }));
        }
        var refused = new FakeWatcher(busy, () -> { });
        assertThatThrownBy(() -> watch.admit(refused)).isInstanceOfSatisfying(TidingsException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(watch.waiters()).as("nothing registered for the refused one").isEqualTo(3);

        watch.admit(new FakeWatcher(UUID.randomUUID(), () -> { }));
        assertThat(watch.waiters()).as("another subscription is not held back by the busy one").isEqualTo(4);
        watch.removed(first);
        watch.admit(new FakeWatcher(busy, () -> { }));
        assertThat(watch.waiters()).as("a place the busy subscription freed is taken again").isEqualTo(4);
        assertThatThrownBy(() -> watch.admit(new FakeWatcher(busy, () -> { }))).isInstanceOf(TidingsException.class);
    }

    @Test
    void anInstanceHasAtMostItsWaiters() {
        watch.maxWaiters = 2;
        var one = new FakeWatcher(UUID.randomUUID(), () -> { });
        watch.admit(one);
        watch.admit(new FakeWatcher(UUID.randomUUID(), () -> { }));
        assertThatThrownBy(() -> watch.admit(new FakeWatcher(UUID.randomUUID(), () -> { })))
                .isInstanceOfSatisfying(TidingsException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));

        watch.removed(one);
        watch.admit(new FakeWatcher(UUID.randomUUID(), () -> { }));
        assertThat(watch.waiters()).isEqualTo(2);
    }

    @Test
    void aClientAddressHasAtMostItsShareOfWaitersWhateverSubscriptionsItWaitsOn() {
        watch.maxWaitersPerAddress = 2;
        String greedy = "192.0.2.7";
        var first = new FakeWatcher(UUID.randomUUID(), greedy, () -> { });
        watch.admit(first);
        watch.admit(new FakeWatcher(UUID.randomUUID(), greedy, () -> { }));
        assertThatThrownBy(() -> watch.admit(new FakeWatcher(UUID.randomUUID(), greedy, () -> { })))
                .as("a third wait from one address, on yet another subscription")
                .isInstanceOfSatisfying(TidingsException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        assertThat(watch.waiters()).as("nothing registered for the refused one").isEqualTo(2);

        watch.admit(new FakeWatcher(UUID.randomUUID(), "192.0.2.8", () -> { }));
        assertThat(watch.waiters()).as("another address is not held back").isEqualTo(3);
        watch.removed(first);
        watch.admit(new FakeWatcher(UUID.randomUUID(), greedy, () -> { }));
        assertThat(watch.waitersOf(greedy)).as("a place the address freed is taken again").isEqualTo(2);
    }

    @Test
    void aPrincipalHasAtMostItsShareOfWaitersWhateverAddressesAndSubscriptionsItWaitsFrom() {
        watch.maxWaitersPerPrincipal = 3;
        watch.tokens = new TokenDirectory() {
            @Override
            public boolean stillGives(Identity identity) {
                return true;
            }
        };
        var greedy = new Identity(UUID.randomUUID(), PrincipalKind.SUBSCRIBER, UUID.randomUUID(),
                Set.of(Identity.SUBSCRIBER_GROUP), null);
        var other = new Identity(UUID.randomUUID(), PrincipalKind.SUBSCRIBER, UUID.randomUUID(),
                Set.of(Identity.SUBSCRIBER_GROUP), null);
        List<FakeWatcher> admitted = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var waiter = new FakeWatcher(UUID.randomUUID(), "192.0.2." + (10 + i), () -> { });
            waiter.caller = greedy;
            watch.admit(waiter);
            admitted.add(waiter);
        }
        var fourth = new FakeWatcher(UUID.randomUUID(), "198.51.100.1", () -> { });
        fourth.caller = greedy;
        assertThatThrownBy(() -> watch.admit(fourth)).as("a fourth wait, from yet another address and subscription")
                .isInstanceOfSatisfying(TidingsException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        assertThat(watch.waitersOf("198.51.100.1")).as("the refused wait gave its address's place back").isZero();

        var someoneElse = new FakeWatcher(UUID.randomUUID(), "198.51.100.1", () -> { });
        someoneElse.caller = other;
        watch.admit(someoneElse);
        assertThat(watch.waiters()).as("another principal is not held back").isEqualTo(4);
        watch.removed(admitted.get(0));
        watch.admit(fourth);
        assertThat(watch.waitersOfPrincipal(greedy)).as("a place the principal freed is taken again").isEqualTo(3);
    }

    @Test
    void aWaitRefusedForItsSubscriptionDoesNotUseUpItsAddressesPlaces() {
        watch.maxWaitersPerAddress = 4;
        UUID busy = UUID.randomUUID();
        for (int i = 0; i < watch.maxWaitersPerSubscription; i++) {
            watch.admit(new FakeWatcher(busy, "192.0.2.9", () -> { }));
        }
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> watch.admit(new FakeWatcher(busy, "192.0.2.10", () -> { })))
                    .isInstanceOfSatisfying(TidingsException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        }
        assertThat(watch.waitersOf("192.0.2.10")).isZero();
        watch.admit(new FakeWatcher(UUID.randomUUID(), "192.0.2.10", () -> { }));
        assertThat(watch.waitersOf("192.0.2.10")).isEqualTo(1);
    }

    @Test
    void anIpv6ClientIsLimitedByItsSlash64NotByEachAddressOfIt() {
        watch.maxWaitersPerAddress = 2;
        watch.admit(new FakeWatcher(UUID.randomUUID(), "2001:db8:1:2::1", () -> { }));
        watch.admit(new FakeWatcher(UUID.randomUUID(), "2001:db8:1:2:ffff:0:0:7", () -> { }));
        assertThatThrownBy(() -> watch.admit(new FakeWatcher(UUID.randomUUID(), "2001:db8:1:2:a:b:c:d", () -> { })))
                .as("a third address of the same /64")
                .isInstanceOfSatisfying(TidingsException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        watch.admit(new FakeWatcher(UUID.randomUUID(), "2001:db8:1:3::1", () -> { }));
        assertThat(watch.waitersOf("2001:db8:1:3::9")).as("another /64 is another client").isEqualTo(1);
        assertThat(watch.waitersOf("2001:0db8:0001:0002::5")).as("however the /64 is written").isEqualTo(2);
    }

    @Test
    void stoppingFreesEveryAddressesPlaces() {
        watch.admit(new FakeWatcher(UUID.randomUUID(), "192.0.2.11", () -> { }));
        watch.admit(new FakeWatcher(UUID.randomUUID(), "192.0.2.11", () -> { }));
        watch.stopped();
        assertThat(watch.waitersOf("192.0.2.11")).isZero();
    }

    /**
     * A wait outlives the request that was authenticated: once its token no longer gives the identity it began with
     * (revoked, expired, principal deleted), the next read fails it with invalid-token instead of handing it pages,
     * and a tick fails it even while nothing is appended.
     */
    @Test
    void aWaiterWhoseTokenNoLongerCountsIsFailedAndGetsNothingMore() {
        var valid = new java.util.concurrent.atomic.AtomicBoolean(true);
        watch.tokens = new TokenDirectory() {
            @Override
            public boolean stillGives(Identity identity) {
                return valid.get();
            }
        };
        AtomicInteger pages = new AtomicInteger();
        var waiter = new FakeWatcher(UUID.randomUUID(), pages::incrementAndGet);
        waiter.caller = new Identity(UUID.randomUUID(), PrincipalKind.SUBSCRIBER, UUID.randomUUID(),
                Set.of(Identity.SUBSCRIBER_GROUP), null);
        var anonymous = new FakeWatcher(UUID.randomUUID(), () -> { }); // security off: no caller, never failed
        watch.admit(waiter);
        watch.admit(anonymous);
        await().atMost(Duration.ofSeconds(10)).until(() -> pages.get() == 1);

        valid.set(false);
        watch.revokedEnded();
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.waiters() == 1);
        assertThat(waiter.failures).singleElement().isInstanceOfSatisfying(TidingsException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
        watch.appended(new FeedAppended(waiter.subscriptionId(), 5));
        assertThat(pages.get()).as("no page after the token stopped counting").isEqualTo(1);
        assertThat(anonymous.failures).isEmpty();
    }

    @Test
    void aStreamFarBehindReadsPageAfterPageWithoutWaitingForAnAppendOrATick() {
        UUID subscription = UUID.randomUUID();
        int entries = 250;
        watch.feeds = new Feeds() {
            @Override
            public Page read(UUID subscriptionId, long after, int limit) {
                List<FeedEntry> page = java.util.stream.LongStream.rangeClosed(after + 1, Math.min(entries, after + limit))
                        .mapToObj(seq -> new FeedEntry(subscriptionId, seq, "msg_" + seq, java.time.Instant.EPOCH,
                                new byte[0])).toList();
                return new Page(page, new FeedPositions(entries, 0, 0));
            }
        };
        List<Long> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        var behind = new FakeWatcher(subscription, () -> { }) {
            private volatile long position;

            @Override
            public long position() {
                return position;
            }

            @Override
            public boolean caughtUp(Page page, Runnable tookOne) {
                for (FeedEntry entry : page.entries()) {
                    received.add(entry.seq());
                    position = entry.seq();
                    tookOne.run();
                }
                return false;
            }
        };

        watch.admit(behind); // the poll interval is an hour here, and nothing is appended

        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == entries);
        assertThat(received).isEqualTo(java.util.stream.LongStream.rangeClosed(1, entries).boxed().toList());
    }

    @Test
    void aWaiterOfASubscriptionThatIsGoneIsFailedThoughNothingIsAppended() {
        UUID gone = UUID.randomUUID();
        UUID kept = UUID.randomUUID();
        watch.feeds = new Feeds() {
            @Override
            public Page read(UUID subscriptionId, long after, int limit) {
                if (subscriptionId.equals(gone)) {
                    throw TidingsException.notFound("subscription", subscriptionId);
                }
                return new Page(List.of(), FeedPositions.EMPTY);
            }

            @Override
            public Set<UUID> existing(java.util.Collection<UUID> ids) {
                return Set.of(kept);
            }
        };
        AtomicInteger reads = new AtomicInteger();
        var waiter = new FakeWatcher(gone, reads::incrementAndGet);
        var other = new FakeWatcher(kept, () -> { });
        watch.admit(other);
        watch.admit(waiter); // its first read fails already: the subscription went while it connected
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.failures.size() == 1);
        var late = new FakeWatcher(gone, reads::incrementAndGet);
        watch.feeds = new Feeds() {
            private boolean deleted;

            @Override
            public Page read(UUID subscriptionId, long after, int limit) {
                if (deleted && subscriptionId.equals(gone)) {
                    throw TidingsException.notFound("subscription", subscriptionId);
                }
                return new Page(List.of(), FeedPositions.EMPTY);
            }

            @Override
            public Set<UUID> existing(java.util.Collection<UUID> ids) {
                deleted = true;
                return Set.of(kept);
            }
        };
        watch.admit(late);
        await().atMost(Duration.ofSeconds(10)).until(() -> reads.get() == 1); // waits, caught up

        watch.goneEnded(Set.of(gone, kept)); // what each tick does

        await().atMost(Duration.ofSeconds(10)).until(() -> watch.waiters() == 1);
        assertThat(late.failures).singleElement().isInstanceOfSatisfying(TidingsException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(other.failures).isEmpty();
    }

    /** A client whose every write (a page or a heartbeat) runs {@code write}. */
    private static class FakeWatcher implements Watcher {
        private final UUID subscriptionId;
        private final String remoteAddress;
        private final Runnable write;
        final CountDownLatch stalled = new CountDownLatch(1);
        final List<RuntimeException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Identity caller;

        FakeWatcher(UUID subscriptionId, Runnable write) {
            this(subscriptionId, "192.0.2.1", write);
        }

        FakeWatcher(UUID subscriptionId, String remoteAddress, Runnable write) {
            this.subscriptionId = subscriptionId;
            this.remoteAddress = remoteAddress;
            this.write = write;
        }

        @Override
        public UUID subscriptionId() {
            return subscriptionId;
        }

        @Override
        public Identity caller() {
            return caller;
        }

        @Override
        public String remoteAddress() {
            return remoteAddress;
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        public int limit() {
            return 100;
        }

        @Override
        public boolean caughtUp(Page page, Runnable tookOne) {
            write.run();
            return false;
        }

        @Override
        public void failed(RuntimeException e) {
            failures.add(e);
        }

        @Override
        public boolean heartbeat() {
            write.run();
            return true;
        }

        @Override
        public void stalled() {
            stalled.countDown();
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
