package org.tidings.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SinkConcurrencyTest {

    @Test
    void aSinkAtItsLimitRefusesMoreUntilOneEndsAndOtherSinksAreNotAffected() {
        var concurrency = new SinkConcurrency(2);
        UUID slow = UUID.randomUUID();
        assertThat(concurrency.tryAcquire(slow, Duration.ZERO)).isTrue();
        assertThat(concurrency.tryAcquire(slow, Duration.ZERO)).isTrue();
        assertThat(concurrency.tryAcquire(slow, Duration.ZERO)).isFalse();
        assertThat(concurrency.tryAcquire(UUID.randomUUID(), Duration.ZERO)).isTrue();
        concurrency.release(slow);
        assertThat(concurrency.tryAcquire(slow, Duration.ZERO)).isTrue();
    }

    @Test
    void aSlotFreedWhileWaitingIsTaken() throws Exception {
        var concurrency = new SinkConcurrency(1);
        UUID sink = UUID.randomUUID();
        assertThat(concurrency.tryAcquire(sink, Duration.ZERO)).isTrue();
        var releaser = new Thread(() -> concurrency.release(sink));
        releaser.start();
        assertThat(concurrency.tryAcquire(sink, Duration.ofSeconds(30))).isTrue();
        releaser.join();
    }

    @Test
    void retriesTakeAtMostTheirShareOfASinksSlotsSoThatFirstAttemptsKeepTheRest() {
        var concurrency = new SinkConcurrency(3, 2);
        UUID sink = UUID.randomUUID();
        assertThat(concurrency.tryAcquireRetry(sink)).isTrue();
        assertThat(concurrency.tryAcquireRetry(sink)).isTrue();
        assertThat(concurrency.tryAcquireRetry(sink)).as("retries at their share").isFalse();
        assertThat(concurrency.tryAcquire(sink, Duration.ZERO)).as("a first attempt still goes").isTrue();
        assertThat(concurrency.tryAcquire(sink, Duration.ZERO)).as("all 3 calls in flight").isFalse();
        concurrency.releaseRetry(sink);
        assertThat(concurrency.tryAcquire(sink, Duration.ZERO)).as("a retry's end frees a slot").isTrue();
        assertThat(concurrency.tryAcquireRetry(sink)).as("no slot left, though a retry permit is").isFalse();
        concurrency.release(sink);
        assertThat(concurrency.tryAcquireRetry(sink)).isTrue();
    }

    @Test
    void aFirstAttemptDoesNotWaitForASlotWhileRetriesOfItsSinkAreInFlight() {
        var concurrency = new SinkConcurrency(1, 1);
        UUID sink = UUID.randomUUID();
        assertThat(concurrency.tryAcquireRetry(sink)).isTrue();

        boolean acquired = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> concurrency.tryAcquire(sink, Duration.ofMinutes(1)), "parks at once instead of waiting");

        assertThat(acquired).isFalse();
    }
}
