package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class PruningRunsTest {

    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final PruningRuns runs = new PruningRuns("test rows", MINUTE, 3, Logger.getLogger("test"));
    private final AtomicInteger batches = new AtomicInteger();

    /** Batches that delete these counts in turn; a full batch is 10. */
    private int tick(Instant now, Queue<Integer> counts) {
        return runs.tick(now, () -> {
            batches.incrementAndGet();
            return counts.remove();
        }, deleted -> deleted == 10);
    }

    @Test
    void aRunStopsAtTheFirstBatchThatLeavesNothingAndTheNextIsDueOneIntervalLater() {
        assertThat(tick(T0, new ArrayDeque<>(List.of(10, 4)))).isEqualTo(14);
        assertThat(batches).hasValue(2);
        assertThat(tick(T0.plusSeconds(59), new ArrayDeque<>(List.of(10)))).isZero();
        assertThat(batches).as("not due yet").hasValue(2);
        assertThat(tick(T0.plus(MINUTE), new ArrayDeque<>(List.of(0)))).isZero();
        assertThat(batches).hasValue(3);
    }

    @Test
    void aRunThatEndsWithFullBatchesGoesOnAtTheNextTick() {
        assertThat(tick(T0, new ArrayDeque<>(List.of(10, 10, 10)))).as("at most 3 batches a run").isEqualTo(30);
        assertThat(tick(T0.plusSeconds(1), new ArrayDeque<>(List.of(2)))).isEqualTo(2);
        assertThat(batches).hasValue(4);
    }

    @Test
    void aFailedRunIsTriedAgainOneIntervalLater() {
        assertThat(runs.tick(T0, () -> {
            throw new IllegalStateException("database down");
        }, deleted -> true)).isZero();
        assertThat(tick(T0.plusSeconds(30), new ArrayDeque<>(List.of(5)))).isZero();
        assertThat(tick(T0.plus(MINUTE), new ArrayDeque<>(List.of(5)))).isEqualTo(5);
    }

    @Test
    void aTickWhileARunIsUnderWayDoesNothing() {
        int[] inner = new int[1];
        runs.tick(T0, () -> {
            inner[0] = tick(T0, new ArrayDeque<>(List.of(10)));
            return 1;
        }, deleted -> false);
        assertThat(inner[0]).isZero();
        assertThat(batches).hasValue(0);
    }

    @Test
    void theIntervalIsPositiveAndARunHasABatch() {
        assertThatThrownBy(() -> new PruningRuns("x", Duration.ZERO, 1, Logger.getLogger("test")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PruningRuns("x", MINUTE, 0, Logger.getLogger("test")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
