package org.tidings.pull.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;

class PullParametersTest {

    @ParameterizedTest
    @CsvSource({"0, 0", "42, 42", "9223372036854775807, 9223372036854775807"})
    void aPositionIsASequenceNumberFromZeroUp(String given, long position) {
        assertThat(PullParameters.position("after", given)).isEqualTo(position);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "abc", "1.5", "9223372036854775808", "99999999999999999999999999999999", " 1",
        "0x10", "+"})
    void anythingElseIsRefusedAsInvalidRequest(String given) {
        assertThatThrownBy(() -> PullParameters.position("Last-Event-ID", given)).isInstanceOf(TidingsException.class)
                .hasMessageContaining("Last-Event-ID").extracting(e -> ((TidingsException) e).code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "1000, 1000", "'', 100"})
    void aLimitIsFromOneToAThousand(String given, int limit) {
        assertThat(PullParameters.limit(given)).isEqualTo(limit);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "1001", "2147483648", "ten"})
    void otherLimitsAreRefused(String given) {
        assertThatThrownBy(() -> PullParameters.limit(given)).isInstanceOf(TidingsException.class);
    }

    @ParameterizedTest
    @CsvSource({"20, PT20S", "PT20S, PT20S", "PT0.5S, PT0.5S", "0, PT0S", "'', PT0S", "PT30S, PT30S",
            "PT0.0001S, PT0.001S", "PT0.000000001S, PT0.001S", "PT1.0005S, PT1.001S"})
    void aWaitIsSecondsOrAnIsoDurationUpToThirtySeconds(String given, String wait) {
        assertThat(PullParameters.waiting(given)).isEqualTo(Duration.parse(wait));
    }

    @ParameterizedTest
    @ValueSource(strings = {"31", "PT1H", "-PT1S", "P1D", "soon", "99999999999999999999", "PT-1S"})
    void otherWaitsAreRefused(String given) {
        assertThatThrownBy(() -> PullParameters.waiting(given)).isInstanceOf(TidingsException.class);
    }

    @Test
    void noPositionMeansFromTheOldestKept() {
        assertThat(PullParameters.position("after", null)).isNull();
    }
}
