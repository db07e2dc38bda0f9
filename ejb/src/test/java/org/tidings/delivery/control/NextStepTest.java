package org.tidings.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.webhook.Attempt;
import org.tidings.delivery.webhook.RetrySchedule;

class NextStepTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final RetrySchedule SCHEDULE = RetrySchedule.parse("0s,10s,1m");

    private static Attempt attempt(Attempt.Result result, int status, Duration retryAfter) {
        return new Attempt(result, status, "answer", Optional.ofNullable(retryAfter), Duration.ofMillis(3));
    }

    @Test
    void aSuccessIsDelivered() {
        assertThat(NextStep.after(attempt(Attempt.Result.DELIVERED, 204, null), 1, SCHEDULE, NOW, new Random(1)))
                .isEqualTo(new NextStep(NextStep.Kind.DELIVERED, null));
    }

    @Test
    void aFailureWaitsForTheScheduledDelayWithItsJitter() {
        var step = NextStep.after(attempt(Attempt.Result.RETRY, 500, null), 1, SCHEDULE, NOW, new Random(1));
        assertThat(step.kind()).isEqualTo(NextStep.Kind.RETRY);
        assertThat(step.at()).isBetween(NOW.plusSeconds(9), NOW.plusSeconds(11));
    }

    @Test
    void aLongerRetryAfterWinsAndAShorterOneDoesNot() {
        var longer = NextStep.after(attempt(Attempt.Result.RETRY, 503, Duration.ofMinutes(5)), 1, SCHEDULE, NOW,
                new Random(1));
        assertThat(longer.at()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        var shorter = NextStep.after(attempt(Attempt.Result.RETRY, 429, Duration.ofSeconds(1)), 2, SCHEDULE, NOW,
                new Random(1));
        assertThat(shorter.at()).isAfter(NOW.plusSeconds(50));
    }

    @Test
    void theLastScheduledAttemptFailingMakesADeadLetter() {
        assertThat(NextStep.after(attempt(Attempt.Result.RETRY, 500, null), 3, SCHEDULE, NOW, new Random(1)).kind())
                .isEqualTo(NextStep.Kind.DEAD);
    }

    @Test
    void aRefusedTargetIsDeadAtOnceAndAGoneOneDisablesTheSink() {
        assertThat(NextStep.after(attempt(Attempt.Result.REFUSED, 0, null), 1, SCHEDULE, NOW, new Random(1)).kind())
                .isEqualTo(NextStep.Kind.DEAD);
        assertThat(NextStep.after(attempt(Attempt.Result.GONE, 410, null), 1, SCHEDULE, NOW, new Random(1)))
                .isEqualTo(new NextStep(NextStep.Kind.DISABLE, NOW));
    }
}
