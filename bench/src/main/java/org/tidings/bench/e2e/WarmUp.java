package org.tidings.bench.e2e;

import java.util.List;

/**
 * Events not counted, in rounds, until Payara Micro and the broker are warm: at least {@code min}, then until the JIT
 * compiler threads of neither used more than {@value #WARM_JIT_SHARE} of its CPU in the last round, or {@code max}
 * were sent. A JVM still compiling the code a phase runs spends a large part of its CPU on that (bench/README.md,
 * "A JVM still compiling"), and each stage runs code the stages before it did not.
 */
final class WarmUp {

    static final double WARM_JIT_SHARE = 0.10;

    /** Sends events [from, to) and returns once they all arrived (or throws, saying why not). */
    @FunctionalInterface
    interface Round {
        void run(int from, int to) throws Exception;
    }

    private WarmUp() {
    }

    /**
     * Runs rounds of {@code round} events from sequence 0; {@code processes} are Payara Micro, then the broker, then
     * any others (not looked at). Returns how many events were sent.
     */
    static int untilWarm(String phase, List<ProcessCpu> processes, int min, int max, int round, Round body)
            throws Exception {
        int sent = 0;
        while (true) {
            int to = Math.min(sent + round, max);
            var before = CpuSnapshot.of(processes);
            body.run(sent, to);
            var after = CpuSnapshot.of(processes);
            int last = to - sent;
            sent = to;
            double payara = after.jitShareSince(before, 0);
            double broker = after.jitShareSince(before, 1);
            Report.progress("%s: %d events so far; in the last %d, the JIT compiler threads used %.0f%% of Payara "
                    + "Micro's CPU and %.0f%% of the broker's", phase, sent, last, 100 * payara, 100 * broker);
            if (sent >= max || sent >= min && payara < WARM_JIT_SHARE && broker < WARM_JIT_SHARE) {
                return sent;
            }
        }
    }
}
