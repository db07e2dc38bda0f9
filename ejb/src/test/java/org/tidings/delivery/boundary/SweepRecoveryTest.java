package org.tidings.delivery.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.control.SinkQueueSweep;
import org.tidings.delivery.control.SweepsOwed;
import org.tidings.platform.SchemaReadiness;

/** The recovery run of owed sweeps (docs/adr/0022): what it does with a sweep that fails again. */
class SweepRecoveryTest {

    private final UUID throwing = UUID.randomUUID();
    private final UUID incomplete = UUID.randomUUID();
    private final UUID complete = UUID.randomUUID();

    /** What the run asked for: the subscribers it swept, and those it put off with the times it gave. */
    private final List<UUID> swept = new ArrayList<>();
    private final List<UUID> postponed = new ArrayList<>();
    private final List<Instant[]> times = new ArrayList<>();
    private final List<Instant> overdueBefore = new ArrayList<>();

    private SweepRecovery recovery() {
        var recovery = new SweepRecovery();
        recovery.owed = new SweepsOwed() {
            @Override
            public List<UUID> overdue(Instant before, int max) {
                overdueBefore.add(before);
                return List.of(throwing, incomplete, complete);
            }
        };
        recovery.sweep = new SinkQueueSweep() {
            @Override
            public Swept sweptAndSettled(UUID subscriber) {
                swept.add(subscriber);
                if (subscriber.equals(throwing)) {
                    throw new IllegalStateException("no broker");
                }
                return new Swept(0, subscriber.equals(complete));
            }

            @Override
            public void postponed(UUID subscriber, Instant upTo, Instant until) {
                postponed.add(subscriber);
                times.add(new Instant[] {upTo, until});
            }
        };
        recovery.readiness = new SchemaReadiness();
        SchemaReadiness.SINGLETONS.forEach(recovery.readiness::started); // as started
        return recovery;
    }

    /**
     * A run that comes before the application has started does nothing: what it reaches would otherwise start the
     * directories on the timer's thread (SchemaReadiness).
     */
    @Test
    void aRunBeforeTheApplicationHasStartedDoesNothing() {
        var recovery = recovery();
        recovery.readiness = new SchemaReadiness();
        recovery.recover();
        assertThat(overdueBefore).isEmpty();
        assertThat(swept).isEmpty();
    }

    /**
     * A subscriber whose sweep fails again (an exception, or a queue not swept) does not stop the others, and is put
     * off, so that it is not swept and logged again at every run on every instance.
     */
    @Test
    void aSweepThatFailsAgainIsPutOffAndTheOthersAreStillMade() {
        Instant start = Instant.now();
        recovery().recover();
        Instant end = Instant.now();

        assertThat(swept).containsExactly(throwing, incomplete, complete);
        assertThat(postponed).containsExactly(throwing, incomplete);
        Instant before = overdueBefore.get(0);
        assertThat(before).isBetween(start.minusSeconds(SinkQueueSweep.OVERDUE_SECONDS),
                end.minusSeconds(SinkQueueSweep.OVERDUE_SECONDS));
        for (Instant[] upToUntil : times) {
            assertThat(upToUntil[0]).as("only what was overdue is put off").isEqualTo(before);
            assertThat(upToUntil[1]).isBetween(start.plus(SweepRecovery.AFTER_FAILURE),
                    Instant.now().plus(SweepRecovery.AFTER_FAILURE));
        }
    }

    /** A run that cannot read what is owed sweeps nothing, and does not keep the next run from sweeping. */
    @Test
    void aRunThatCannotReadWhatIsOwedSweepsNothingAndTheNextRunGoesOn() {
        var recovery = recovery();
        SweepsOwed working = recovery.owed;
        recovery.owed = new SweepsOwed() {
            @Override
            public List<UUID> overdue(Instant before, int max) {
                throw new IllegalStateException("no database");
            }
        };
        recovery.recover();
        assertThat(swept).isEmpty();

        recovery.owed = working;
        recovery.recover();
        assertThat(swept).containsExactly(throwing, incomplete, complete);
    }
}
