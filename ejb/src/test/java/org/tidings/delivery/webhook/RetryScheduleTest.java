package org.tidings.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryScheduleTest {

    /** Draws the largest double below 1, so a jitter of (almost) +10 %. */
    private static final RandomGenerator HIGHEST = () -> -1L;
    /** Draws 0, so a jitter of -10 %. */
    private static final RandomGenerator LOWEST = () -> 0L;

    @Test
    void theDefaultIsTheGatewaysSchedule() {
        RetrySchedule schedule = RetrySchedule.parse(RetrySchedule.DEFAULT);

        assertThat(RetrySchedule.DEFAULT).isEqualTo("0s,5s,5m,30m,2h,5h,10h,10h");
        assertThat(schedule.attempts()).isEqualTo(8);
        assertThat(schedule.delayBefore(1, LOWEST)).contains(Duration.ZERO);
        assertThat(schedule.delayBefore(1, HIGHEST)).contains(Duration.ZERO);
        assertThat(schedule.delayBefore(4, LOWEST)).contains(Duration.ofMinutes(27));
        assertThat(schedule.delayBefore(8, LOWEST)).contains(Duration.ofHours(9));
        assertThat(schedule.toString()).isEqualTo(RetrySchedule.DEFAULT);
    }

    @Test
    void jitterStaysWithinTenPercent() {
        RetrySchedule schedule = RetrySchedule.parse("100ms, 5s,1m ,2h");
        List<Duration> bases = List.of(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(1),
                Duration.ofHours(2));
        SplittableRandom random = new SplittableRandom(42);
        for (int attempt = 1; attempt <= 4; attempt++) {
            long base = bases.get(attempt - 1).toNanos();
            boolean below = false;
            boolean above = false;
            for (int i = 0; i < 1000; i++) {
                long delay = schedule.delayBefore(attempt, random).orElseThrow().toNanos();
                assertThat(delay).isBetween(base - base / 10, base + base / 10);
                below |= delay < base;
                above |= delay > base;
            }
            assertThat(below && above).as("jitter goes both ways").isTrue();
        }
        assertThat(schedule.delayBefore(2, LOWEST)).contains(Duration.ofMillis(4500));
        assertThat(schedule.delayBefore(2, HIGHEST).orElseThrow())
                .isBetween(Duration.ofMillis(5499), Duration.ofMillis(5500));
    }

    @Test
    void nothingAfterTheLastAttempt() {
        RetrySchedule schedule = RetrySchedule.parse("0s,1s");

        assertThat(schedule.attempts()).isEqualTo(2);
        assertThat(schedule.delayBefore(2, LOWEST)).contains(Duration.ofMillis(900));
        assertThat(schedule.delayBefore(3, LOWEST)).isEmpty();
        assertThatThrownBy(() -> schedule.delayBefore(0, LOWEST)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "5", "5x", "s", "-5s", "1.5s", "5s,", ",5s", "5s,,5m", "5 s", "PT5S", "1d",
            "9000h", "9999999999s", "5S"})
    void refusesMalformedSpecs(String spec) {
        assertThatThrownBy(() -> RetrySchedule.parse(spec)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> RetrySchedule.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSinksScheduleIsReadFromIso8601DurationsAndKeptInCanonicalForm() {
        RetrySchedule schedule = RetrySchedule.ofSteps(List.of("PT0S", "PT0.5S", "PT90S", "P1D", "P7D"));

        assertThat(schedule.attempts()).isEqualTo(5);
        assertThat(schedule.delayBefore(1, LOWEST)).contains(Duration.ZERO);
        assertThat(schedule.delayBefore(2, LOWEST)).contains(Duration.ofMillis(450));
        assertThat(schedule.delayBefore(3, LOWEST)).contains(Duration.ofSeconds(81));
        assertThat(schedule.delayBefore(6, LOWEST)).isEmpty();
        assertThat(schedule.steps()).containsExactly("PT0S", "PT0.5S", "PT1M30S", "PT24H", "PT168H");
        assertThat(schedule.toString()).isEqualTo("PT0S,PT0.5S,PT1M30S,PT24H,PT168H");
        assertThat(RetrySchedule.ofSteps(schedule.steps()).steps()).as("the canonical form reads back")
                .isEqualTo(schedule.steps());
    }

    @Test
    void aSinksScheduleMayHaveTwentyStepsOfUpToSevenDays() {
        var longest = java.util.Collections.nCopies(RetrySchedule.MAX_STEPS, "PT167H59M59.999999999S");
        RetrySchedule schedule = RetrySchedule.ofSteps(longest);

        assertThat(schedule.attempts()).isEqualTo(20);
        assertThat(schedule.toString().length()).as("fits the sink's column").isLessThanOrEqualTo(500);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "5s", "0s", "PT5", "P", "PT", "5", "PT-5S", "-PT5S", "PT-0.001S", "P7DT0.001S",
            "P8D", "PT169H", "P1W", "P1M", "P1Y", "PT99999999999999999999H", "pt5s ", "PT5S,PT6S",
            "PT0.0000000000000000000000000000000000001S"})
    void aSinksScheduleRefusesStepsThatAreNotIso8601DurationsFromZeroToSevenDays(String step) {
        assertThatThrownBy(() -> RetrySchedule.ofSteps(List.of("PT0S", step)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry schedule");
    }

    @Test
    void aSinksScheduleRefusesNoStepsTooManyStepsAndNull() {
        assertThatThrownBy(() -> RetrySchedule.ofSteps(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetrySchedule.ofSteps(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetrySchedule.ofSteps(java.util.Collections.nCopies(21, "PT1S")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 20");
        assertThatThrownBy(() -> RetrySchedule.ofSteps(java.util.Arrays.asList("PT0S", null)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
