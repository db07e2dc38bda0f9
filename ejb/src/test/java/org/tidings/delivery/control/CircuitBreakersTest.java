package org.tidings.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.webhook.Attempt;

class CircuitBreakersTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private final CircuitBreakers breakers = new CircuitBreakers(3, Duration.ofSeconds(30));
    private final UUID sink = UUID.randomUUID();

    @Test
    void opensAfterTheThresholdOfFailuresInARowAndOnlyForThatSink() {
        breakers.failed(sink, NOW);
        breakers.failed(sink, NOW);
        assertThat(breakers.allows(sink, NOW)).isTrue();
        breakers.failed(sink, NOW);
        assertThat(breakers.allows(sink, NOW)).isFalse();
        assertThat(breakers.state(sink, NOW)).isEqualTo(CircuitBreakers.State.OPEN);
        assertThat(breakers.nextChance(sink, NOW)).isEqualTo(NOW.plusSeconds(30));
        assertThat(breakers.allows(UUID.randomUUID(), NOW)).isTrue();
    }

    @Test
    void aReceiverThatFailsEveryOtherCallOpensTheCircuitByItsFailureRate() {
        var rated = new CircuitBreakers(5, Duration.ofSeconds(30), 50, 10);
        for (int i = 0; i < 4; i++) {
            rated.failed(sink, NOW);
            rated.succeeded(sink);
        }
        rated.failed(sink, NOW);
        assertThat(rated.allows(sink, NOW)).as("9 attempts: the window is not full").isTrue();
        rated.succeeded(sink);
        assertThat(rated.allows(sink, NOW)).as("a success never opens").isTrue();
        rated.failed(sink, NOW);
        assertThat(rated.state(sink, NOW)).as("5 of the last 10 failed, never 5 in a row")
                .isEqualTo(CircuitBreakers.State.OPEN);
        assertThat(rated.allows(sink, NOW.plusSeconds(30))).as("the probe").isTrue();
        rated.succeeded(sink);
        assertThat(rated.state(sink, NOW.plusSeconds(30))).as("the probe's success clears the record")
                .isEqualTo(CircuitBreakers.State.CLOSED);
        rated.failed(sink, NOW.plusSeconds(31));
        assertThat(rated.allows(sink, NOW.plusSeconds(31))).isTrue();
    }

    @Test
    void aSuccessOfACallMadeBeforeTheCircuitOpenedDoesNotCloseIt() {
        // several calls per sink are in flight (tidings.webhook.max-in-flight-per-sink): when the failure that opens
        // the circuit comes back, the others are still out, and against a receiver failing every other call about
        // half of them succeed
        var rated = new CircuitBreakers(5, Duration.ofSeconds(30), 50, 10);
        for (int i = 0; i < 5; i++) {
            rated.failed(sink, NOW);
            rated.succeeded(sink);
        }
        rated.failed(sink, NOW);
        assertThat(rated.state(sink, NOW)).isEqualTo(CircuitBreakers.State.OPEN);

        rated.succeeded(sink); // a call made before it opened
        assertThat(rated.state(sink, NOW.plusSeconds(1))).as("still open: no probe has gone")
                .isEqualTo(CircuitBreakers.State.OPEN);
        assertThat(rated.allows(sink, NOW.plusSeconds(1))).isFalse();

        assertThat(rated.allows(sink, NOW.plusSeconds(30))).as("the probe").isTrue();
        rated.succeeded(sink);
        assertThat(rated.state(sink, NOW.plusSeconds(30))).isEqualTo(CircuitBreakers.State.CLOSED);
    }

    @Test
    void belowTheRateOrWithACleanWindowTheCircuitStaysClosed() {
        var rated = new CircuitBreakers(5, Duration.ofSeconds(30), 50, 10);
        for (int i = 0; i < 30; i++) { // 4 of every 10 fail
            if (i % 10 < 4) {
                rated.failed(sink, NOW);
            } else {
                rated.succeeded(sink);
            }
            assertThat(rated.allows(sink, NOW)).as("attempt %d", i).isTrue();
        }
        assertThatThrownBy(() -> new CircuitBreakers(5, Duration.ofSeconds(30), 50, 65))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CircuitBreakers(5, Duration.ofSeconds(30), 0, 20))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSuccessInBetweenStartsTheCountAgain() {
        breakers.failed(sink, NOW);
        breakers.failed(sink, NOW);
        breakers.succeeded(sink);
        breakers.failed(sink, NOW);
        breakers.failed(sink, NOW);
        assertThat(breakers.allows(sink, NOW)).isTrue();
    }

    @Test
    void halfOpenLetsOneProbeThroughWhoseOutcomeClosesOrReopens() {
        for (int i = 0; i < 3; i++) {
            breakers.failed(sink, NOW);
        }
        Instant later = NOW.plusSeconds(31);
        assertThat(breakers.state(sink, later)).isEqualTo(CircuitBreakers.State.HALF_OPEN);
        assertThat(breakers.allows(sink, later)).as("the probe").isTrue();
        assertThat(breakers.allows(sink, later)).as("only one probe").isFalse();
        breakers.failed(sink, later);
        assertThat(breakers.allows(sink, later.plusSeconds(29))).as("open again").isFalse();

        Instant evenLater = later.plusSeconds(31);
        assertThat(breakers.allows(sink, evenLater)).isTrue();
        breakers.succeeded(sink);
        assertThat(breakers.state(sink, evenLater)).isEqualTo(CircuitBreakers.State.CLOSED);
        assertThat(breakers.allows(sink, evenLater)).isTrue();
    }

    @Test
    void aProbeWhoseOutcomeNeverCameIsReplacedAfterTheOpenTime() {
        for (int i = 0; i < 3; i++) {
            breakers.failed(sink, NOW);
        }
        Instant later = NOW.plusSeconds(31);
        assertThat(breakers.allows(sink, later)).isTrue();
        assertThat(breakers.allows(sink, later.plusSeconds(29))).isFalse();
        assertThat(breakers.allows(sink, later.plusSeconds(31))).isTrue();
    }

    @Test
    void aProbeGivenBackUnusedMayBeMadeAtOnceButAnotherCallersProbeStays() {
        for (int i = 0; i < 3; i++) {
            breakers.failed(sink, NOW);
        }
        Instant later = NOW.plusSeconds(31);
        assertThat(breakers.allows(sink, later)).as("the probe").isTrue();
        breakers.unused(sink, later); // the row could not be taken: no attempt was made

        Instant next = later.plusSeconds(1);
        assertThat(breakers.allows(sink, next)).as("the probe is still to be made").isTrue();
        breakers.unused(sink, later); // a stale give-back: the probe granted at 'next' is not its to give
        assertThat(breakers.allows(sink, next.plusSeconds(1))).as("only one probe").isFalse();
    }

    @Test
    void aProbeThatMadeNoCallIsGivenBack() {
        for (int i = 0; i < 3; i++) {
            breakers.failed(sink, NOW);
        }
        Instant later = NOW.plusSeconds(31);
        assertThat(breakers.allows(sink, later)).as("the probe").isTrue();
        breakers.record(sink, new Attempt(Attempt.Result.REFUSED, 0, "withheld", Optional.empty(), Duration.ZERO),
                later);

        assertThat(breakers.allows(sink, later.plusSeconds(1))).as("the probe is still to be made").isTrue();
        assertThat(breakers.state(sink, later.plusSeconds(1))).isEqualTo(CircuitBreakers.State.HALF_OPEN);
    }

    /** A deleted sink's breaker, or that of a sink sent nothing since, does not stay in memory for ever. */
    @Test
    void aBreakerNothingHappenedToForAnHourIsForgottenAndItsSinkStartsAfresh() {
        breakers.failed(sink, NOW);
        breakers.failed(sink, NOW.plusSeconds(10));
        UUID other = UUID.randomUUID();
        breakers.failed(other, NOW.plus(CircuitBreakers.IDLE));
        assertThat(breakers.forgetIdle(NOW.plus(CircuitBreakers.IDLE))).as("the last failure is not an hour old yet")
                .isZero();
        assertThat(breakers.forgetIdle(NOW.plus(CircuitBreakers.IDLE).plusSeconds(10))).isEqualTo(1);
        assertThat(breakers.tracked()).as("the other sink failed since").isEqualTo(1);
        breakers.failed(sink, NOW.plus(CircuitBreakers.IDLE).plusSeconds(20));
        assertThat(breakers.state(sink, NOW.plus(CircuitBreakers.IDLE).plusSeconds(20)))
                .as("the two old failures no longer count: 1 of 3 in a row").isEqualTo(CircuitBreakers.State.CLOSED);
    }

    /** An open circuit is kept while open and for an hour after; a probe in flight keeps it too. */
    @Test
    void anOpenCircuitIsForgottenOnlyAnHourAfterItsOpenPeriodAndItsLastProbe() {
        for (int i = 0; i < 3; i++) {
            breakers.failed(sink, NOW);
        }
        Instant halfOpen = NOW.plusSeconds(30);
        assertThat(breakers.forgetIdle(halfOpen.plus(CircuitBreakers.IDLE).minusSeconds(1))).isZero();
        assertThat(breakers.allows(sink, halfOpen.plus(CircuitBreakers.IDLE).minusSeconds(1))).as("the probe").isTrue();
        assertThat(breakers.forgetIdle(halfOpen.plus(CircuitBreakers.IDLE).plusSeconds(1)))
                .as("the probe went a second ago").isZero();
        assertThat(breakers.state(sink, halfOpen.plus(CircuitBreakers.IDLE).plusSeconds(1)))
                .isEqualTo(CircuitBreakers.State.HALF_OPEN);
        Instant later = halfOpen.plus(CircuitBreakers.IDLE.multipliedBy(2));
        assertThat(breakers.forgetIdle(later)).as("nothing came of the probe for an hour").isEqualTo(1);
        assertThat(breakers.state(sink, later)).isEqualTo(CircuitBreakers.State.CLOSED);
        assertThat(breakers.allows(sink, later)).isTrue();
    }
}
