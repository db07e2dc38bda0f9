package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProblemRetryAfterTest {

    @Test
    void aRefusalsOwnWaitIsRoundedUpToWholeSecondsAndIsAtLeastOne() {
        assertThat(Problem.retryAfterSeconds(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(Problem.retryAfterSeconds(Duration.ofMillis(999))).isEqualTo(1);
        assertThat(Problem.retryAfterSeconds(Duration.ofSeconds(1))).isEqualTo(1);
        assertThat(Problem.retryAfterSeconds(Duration.ofMillis(1001))).isEqualTo(2);
        assertThat(Problem.retryAfterSeconds(Duration.ofSeconds(100))).isEqualTo(100);
        assertThat(Problem.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
    }
}
