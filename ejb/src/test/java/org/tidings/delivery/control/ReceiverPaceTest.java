package org.tidings.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which sinks are slow: their calls took longer than the slow-call setting on average (docs/adr/0012). */
class ReceiverPaceTest {

    private final ReceiverPace pace = new ReceiverPace(Duration.ofMillis(200));
    private final UUID sink = UUID.randomUUID();

    @Test
    void aSinkNeverCalledIsNotSlowAndOneSlowCallMakesItSlowWithoutTouchingAnother() {
        UUID other = UUID.randomUUID();
        assertThat(pace.slow(sink)).isFalse();

        pace.took(sink, Duration.ofMillis(1500));
        pace.took(other, Duration.ofMillis(5));

        assertThat(pace.slow(sink)).isTrue();
        assertThat(pace.slow(other)).isFalse();
    }

    @Test
    void oneSlowCallAmongQuickOnesDoesNotMakeASinkSlow() {
        for (int i = 0; i < 10; i++) {
            pace.took(sink, Duration.ofMillis(10));
        }
        pace.took(sink, Duration.ofMillis(600)); // 10 + (600 - 10) / 4 = 157.5 ms

        assertThat(pace.slow(sink)).isFalse();
        pace.took(sink, Duration.ofMillis(600)); // 157.5 + (600 - 157.5) / 4 = 268 ms
        assertThat(pace.slow(sink)).as("two in a row are").isTrue();
    }

    @Test
    void aSlowSinkWhoseCallsBecomeQuickIsNoLongerSlowAfterAFewOfThem() {
        pace.took(sink, Duration.ofSeconds(2));
        int quick = 0;
        while (pace.slow(sink)) {
            pace.took(sink, Duration.ofMillis(5));
            quick++;
        }
        // 2 s x (3/4)^n < 200 ms from n = 9 on (the 5 ms calls add a little)
        assertThat(quick).isBetween(8, 9);
    }

    @Test
    void aSettingBelowZeroOrAboveADayIsRefused() {
        assertThatThrownBy(() -> new ReceiverPace(Duration.ofMillis(-1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tidings.webhook.slow-call");
        assertThatThrownBy(() -> new ReceiverPace(Duration.ofDays(365 * 300))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tidings.webhook.slow-call");
        assertThat(new ReceiverPace(Duration.ofDays(1)).settings()).contains("PT24H");
    }

    /** A call counted when a consumer's hold ran out is not counted again when it ends; one never started is not. */
    @Test
    void aCallIsCountedOnce() {
        var call = new ReceiverPace.Call();
        assertThat(call.uncounted()).as("not started").isEmpty();

        call.starts();
        assertThat(call.uncounted()).as("the hold ran out while it ran").isPresent();
        assertThat(call.uncounted()).as("it ends").isEmpty();
    }
}
