package org.tidings.delivery.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The coalescing of identical requests, as pure logic on a clock the test moves (no real time passes). */
class CoalescerTest {

    private static final long WINDOW = Duration.ofMillis(100).toNanos();

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Long> sleptUntil = new ArrayList<>();
    /** How long each send waited: not at all (0 or less) for a request that goes at once. */
    private final List<Long> waits = new ArrayList<>();
    private final Coalescer<String, String> coalescer = new Coalescer<>(Duration.ofNanos(WINDOW), now::get,
            until -> {
                sleptUntil.add(until);
                waits.add(until - now.get());
                now.set(Math.max(now.get(), until));
            });
    private final List<String> sent = new ArrayList<>();
    private final AtomicInteger number = new AtomicInteger();
    private final Function<String, String> send = key -> {
        sent.add(key);
        return key + " answer " + number.incrementAndGet();
    };

    private Map<String, String> request(String... keys) throws InterruptedException {
        return coalescer.enrol(List.of(keys)).complete(send);
    }

    @Test
    void aRequestNotSentWithinTheWindowGoesAtOnce() throws InterruptedException {
        assertThat(request("a")).containsExactly(Map.entry("a", "a answer 1"));
        now.addAndGet(WINDOW);
        assertThat(request("a")).containsExactly(Map.entry("a", "a answer 2"));
        assertThat(sent).containsExactly("a", "a");
        assertThat(waits).allMatch(wait -> wait <= 0);
    }

    @Test
    void identicalRequestsWithinTheWindowAfterASendAreSentOnceAtItsEndAndShareTheAnswer() throws InterruptedException {
        long first = now.get();
        request("page");
        now.addAndGet(WINDOW / 10);
        var leader = coalescer.enrol(List.of("page"));
        List<Coalescer<String, String>.Ticket> followers = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            now.addAndGet(WINDOW / 100);
            followers.add(coalescer.enrol(List.of("page")));
        }
        assertThat(followers).allMatch(ticket -> ticket.joined() == 1);

        Map<String, String> answer = leader.complete(send);
        assertThat(sleptUntil).contains(first + WINDOW);
        for (var follower : followers) {
            assertThat(follower.complete(key -> {
                throw new AssertionError("a follower sends nothing");
            })).isEqualTo(answer);
        }
        assertThat(sent).as("50 requests, 2 sent").containsExactly("page", "page");
    }

    @Test
    void aRequestIsNeverAnsweredByOneSentBeforeItWasAsked() throws InterruptedException {
        request("page");
        now.addAndGet(WINDOW / 2);
        var later = coalescer.enrol(List.of("page"));
        assertThat(later.joined()).isZero();
        assertThat(later.complete(send)).containsExactly(Map.entry("page", "page answer 2"));
        assertThat(waits).last().isEqualTo(WINDOW / 2);
    }

    @Test
    void differentRequestsAreNotCoalesced() throws InterruptedException {
        assertThat(request("a", "b", "a")).containsOnlyKeys("a", "b");
        assertThat(request("c")).containsOnlyKeys("c");
        assertThat(sent).containsExactly("a", "b", "c");
        assertThat(waits).allMatch(wait -> wait <= 0);
    }

    @Test
    void aFailedSendFailsEveryRequestThatJoinedItAndTheNextRequestIsSentAgain() throws InterruptedException {
        request("page");
        var leader = coalescer.enrol(List.of("page"));
        var follower = coalescer.enrol(List.of("page"));
        Function<String, String> failing = key -> {
            throw new IllegalStateException("cache on fire");
        };
        assertThatThrownBy(() -> leader.complete(failing)).hasMessage("cache on fire");
        assertThatThrownBy(() -> follower.complete(send)).hasMessage("cache on fire");
        now.addAndGet(WINDOW);
        assertThat(request("page")).containsValue("page answer 2");
    }

    @Test
    void aZeroWindowSendsEveryRequest() throws InterruptedException {
        var coalescing = new Coalescer<String, String>(Duration.ZERO, now::get, until -> { });
        coalescing.enrol(List.of("a")).complete(send);
        coalescing.enrol(List.of("a")).complete(send);
        assertThat(sent).containsExactly("a", "a");
    }

    @Test
    void keysNotSentWithinTheWindowAreForgotten() throws InterruptedException {
        for (int i = 0; i < 1023; i++) {
            request("page " + i);
        }
        assertThat(coalescer.remembered()).isEqualTo(1023);
        now.addAndGet(WINDOW);
        request("last");
        assertThat(coalescer.remembered()).isEqualTo(1);
    }
}
