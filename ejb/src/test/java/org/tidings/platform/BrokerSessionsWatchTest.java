package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The watch that bounds HTTP ingest's send: its interrupt reaches only the work it watches, and never outlives it. */
class BrokerSessionsWatchTest {

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
}
