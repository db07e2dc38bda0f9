package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What bounds HTTP ingest's send to a broker that holds senders back: the watch, whose interrupt reaches only the work
 * it watches and never outlives it, and the gate, which refuses sends at once for a while after one was held back.
 */
class BoundedSendTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aWatchThatExpiresInterruptsTheWorkAndEndingItClearsTheInterrupt() {
        var watch = new BrokerSessions.Watch(Thread.currentThread());
        watch.expire();
        assertThat(Thread.currentThread().isInterrupted()).isTrue();

        assertThat(watch.ended()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(watch.ended()).as("ending twice changes nothing").isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aWatchThatEndedInTimeNeverInterrupts() {
        var watch = new BrokerSessions.Watch(Thread.currentThread());
        assertThat(watch.ended()).isFalse();
        watch.expire(); // the alarm fired after the work ended: too late to matter
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(watch.ended()).isFalse();
    }

    @Test
    void anInterruptFromElsewhereIsLeftAloneByAWatchThatDidNotExpire() {
        var watch = new BrokerSessions.Watch(Thread.currentThread());
        Thread.currentThread().interrupt(); // someone else's, e.g. the container stopping the thread
        try {
            assertThat(watch.ended()).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aWaitOnAnotherThreadIsWokenByTheAlarmAndItsThreadLeftClean() throws Exception {
        var watchOfWorker = new java.util.concurrent.atomic.AtomicReference<BrokerSessions.Watch>();
        var outcome = new java.util.concurrent.atomic.AtomicReference<String>();
        Thread worker = new Thread(() -> {
            var watch = new BrokerSessions.Watch(Thread.currentThread());
            watchOfWorker.set(watch);
            try {
                new java.util.concurrent.Semaphore(0).acquire(); // as the Artemis client waits for credit
                outcome.set("acquired");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // as the Artemis client does before it throws
                boolean expired = watch.ended();
                outcome.set("expired=" + expired + " interrupted=" + Thread.currentThread().isInterrupted());
            }
        });
        worker.start();
        org.awaitility.Awaitility.await().until(() -> watchOfWorker.get() != null
                && worker.getState() == Thread.State.WAITING);
        watchOfWorker.get().expire(); // what the alarm does
        worker.join(10_000);
        assertThat(outcome.get()).isEqualTo("expired=true interrupted=false");
    }

    @Test
    void anOpenGateLetsEverySendThroughUntilOneIsHeldBack() {
        var gate = new BrokerSessions.Gate();
        var first = gate.admits(0);
        var second = gate.admits(0);
        assertThat(first).isEqualTo(BrokerSessions.Gate.Admission.OPEN);
        assertThat(second).isEqualTo(BrokerSessions.Gate.Admission.OPEN);
        gate.ended(first, false, SECOND, 10 * SECOND);
        assertThat(gate.admits(SECOND)).isEqualTo(BrokerSessions.Gate.Admission.OPEN);

        gate.ended(second, true, 2 * SECOND, 10 * SECOND);
        assertThat(gate.admits(2 * SECOND)).isEqualTo(BrokerSessions.Gate.Admission.REFUSED);
        assertThat(gate.admits(12 * SECOND - 1)).as("closed for the bound's time").isEqualTo(
                BrokerSessions.Gate.Admission.REFUSED);
    }

    @Test
    void aClosedGateLetsOneSendTryAtATimeOnceItsTimeIsUp() {
        var gate = new BrokerSessions.Gate();
        gate.ended(gate.admits(0), true, 0, 10 * SECOND);

        var probe = gate.admits(10 * SECOND);
        assertThat(probe).isEqualTo(BrokerSessions.Gate.Admission.TRYING);
        assertThat(gate.admits(11 * SECOND)).as("one at a time").isEqualTo(BrokerSessions.Gate.Admission.REFUSED);

        gate.ended(probe, true, 20 * SECOND, 10 * SECOND); // held back again: closed for another bound
        assertThat(gate.admits(29 * SECOND)).isEqualTo(BrokerSessions.Gate.Admission.REFUSED);
        var next = gate.admits(30 * SECOND);
        assertThat(next).isEqualTo(BrokerSessions.Gate.Admission.TRYING);

        gate.ended(next, false, 30 * SECOND, 10 * SECOND); // the broker took it: open again
        assertThat(gate.admits(30 * SECOND)).isEqualTo(BrokerSessions.Gate.Admission.OPEN);
        assertThat(gate.admits(30 * SECOND)).isEqualTo(BrokerSessions.Gate.Admission.OPEN);
    }

    @Test
    void aSendLetThroughBeforeTheGateClosedEndsWithoutFreeingTheTryingPlace() {
        var gate = new BrokerSessions.Gate();
        var early = gate.admits(0); // let through while open, still waiting
        gate.ended(gate.admits(0), true, 0, 10 * SECOND);
        var probe = gate.admits(10 * SECOND);
        assertThat(probe).isEqualTo(BrokerSessions.Gate.Admission.TRYING);

        gate.ended(early, true, 10 * SECOND, 10 * SECOND); // the early one held back too
        assertThat(gate.admits(25 * SECOND)).as("the probe still tries: no second one")
                .isEqualTo(BrokerSessions.Gate.Admission.REFUSED);
        gate.ended(probe, false, 25 * SECOND, 10 * SECOND);
        assertThat(gate.admits(25 * SECOND)).isEqualTo(BrokerSessions.Gate.Admission.OPEN);
    }

    @Test
    void theGateReadsTheClockAcrossTheWrapOfNanoTime() {
        var gate = new BrokerSessions.Gate();
        long late = Long.MAX_VALUE - SECOND;
        gate.ended(gate.admits(late), true, late, 10 * SECOND); // reopens after the wrap
        assertThat(gate.admits(late + 5 * SECOND)).isEqualTo(BrokerSessions.Gate.Admission.REFUSED);
        assertThat(gate.admits(late + 10 * SECOND)).isEqualTo(BrokerSessions.Gate.Admission.TRYING);
    }
}
