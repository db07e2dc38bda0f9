package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tidings.subscriptions.control.FilterBuilder.filter;
import static org.tidings.subscriptions.control.TestEvents.event;

import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tidings.subscriptions.entity.Filter;

/**
 * Matching threads race a thread that flips subscriptions and a group between two definitions. Every result must
 * fit one whole state: events both definitions match are always matched (no gap while replacing), events neither
 * matches never are (no half of each), and a batch sees one state for all its events.
 */
// covers S2S-6, LEM-11, RUP-6
class ConcurrentMatchingTest {

    private static final int FLIPS = 20_000;
    private static final int READERS = 3;
    private static final int MIN_ROUNDS_PER_READER = 1_000;

    private static final String ANN = "mailto:ann@example.com";
    private static final String BOB = "mailto:bob@example.com";
    private static final String CAROL = "mailto:carol@example.com";
    private static final String DAVE = "mailto:dave@example.com";
    private static final String SITE = "https://site.example/";

    private final SubscriptionIndex index = new SubscriptionIndex();
    private final ExecutorService threads = Executors.newFixedThreadPool(READERS + 1);

    private final UUID flipping = UUID.randomUUID();
    private final Filter a = filter().types("t.a", "t.both").subjects(ANN, CAROL).build();
    private final Filter b = filter().types("t.b", "t.both").subjects(BOB, CAROL).build();
    private final UUID reanchored = UUID.randomUUID();
    private final Filter bySubject = filter().subjects(DAVE).build();
    private final Filter byDomain = filter().typePrefixes("t").subjectDomains("example.com").build();
    private final UUID group = UUID.randomUUID();
    private final UUID cache = UUID.randomUUID();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void everyMatchFitsOneWholeStateWhileChangesArrive() throws Exception {
        for (int i = 0; i < 1_000; i++) {
            index.put(UUID.randomUUID(), filter().types("t.a").subjects("mailto:user" + i + "@example.com").build());
        }
        index.put(flipping, a);
        index.put(reanchored, bySubject);
        index.putGroup(group, Set.of(SITE + "one/", SITE + "shared/"), Set.of());
        index.put(cache, filter().groups(group).build());

        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writerDone = new AtomicBoolean();
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        Future<Integer> writer = threads.submit(() -> flip(start, writerDone));
        List<Future<Integer>> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            readers.add(threads.submit(() -> check(start, writerDone, violations)));
        }
        start.countDown();

        assertThat(writer.get(60, TimeUnit.SECONDS)).isEqualTo(FLIPS);
        for (Future<Integer> reader : readers) {
            assertThat(reader.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(MIN_ROUNDS_PER_READER);
        }
        assertThat(violations).isEmpty();
        assertThat(index.size()).isEqualTo(1_003);
    }

    private int flip(CountDownLatch start, AtomicBoolean done) throws InterruptedException {
        start.await();
        for (int i = 0; i < FLIPS; i++) {
            boolean even = i % 2 == 0;
            index.put(flipping, even ? b : a);
            index.put(reanchored, even ? byDomain : bySubject);
            index.putGroup(group, Set.of(SITE + (even ? "two/" : "one/"), SITE + "shared/"), Set.of());
        }
        done.set(true);
        return FLIPS;
    }

    /** Matches until the writer is done and at least the minimum rounds are in; returns the rounds. */
    private int check(CountDownLatch start, AtomicBoolean writerDone, Queue<String> violations)
            throws InterruptedException {
        start.await();
        CloudEvent inBoth = event("t.both", CAROL).build();
        CloudEvent aTypeBSubject = event("t.a", BOB).build();
        CloudEvent bTypeASubject = event("t.b", ANN).build();
        CloudEvent onlyA = event("t.a", ANN).build();
        CloudEvent onlyB = event("t.b", BOB).build();
        CloudEvent davesT = event("t.x", DAVE).build();
        CloudEvent davesU = event("u.x", "mailto:dave@other.example").build();
        CloudEvent shared = event("r.x", SITE + "shared/page").build();
        CloudEvent elsewhere = event("r.x", SITE + "three/page").build();
        int rounds = 0;
        for (; !writerDone.get() || rounds < MIN_ROUNDS_PER_READER; rounds++) {
            expect(index.match(inBoth).contains(flipping), "missed by both definitions' event", violations);
            expect(!index.match(aTypeBSubject).contains(flipping), "half of A, half of B", violations);
            expect(!index.match(bTypeASubject).contains(flipping), "half of B, half of A", violations);
            expect(index.match(davesT).contains(reanchored), "lost while moving anchors", violations);
            expect(!index.match(davesU).contains(reanchored), "matched by neither anchor's filter", violations);
            expect(index.match(shared).contains(cache), "shared prefix lost while redefining", violations);
            expect(!index.match(elsewhere).contains(cache), "matched outside both definitions", violations);
            List<List<UUID>> batch = index.match(List.of(onlyA, onlyB));
            expect(batch.get(0).contains(flipping) != batch.get(1).contains(flipping), "batch saw two states",
                    violations);
        }
        return rounds;
    }

    /** Keeps the first few violations only: a broken index would otherwise fill the heap with them. */
    private static void expect(boolean holds, String violation, Queue<String> violations) {
        if (!holds && violations.size() < 20) {
            violations.add(violation);
        }
    }
}
