package org.tidings.subscriptions.bench;

import io.cloudevents.CloudEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import org.tidings.subscriptions.control.SubscriptionIndex;

/**
 * The CPU time one thread spends per matched event, for an A/B of two builds on a machine that other work keeps
 * busy: JMH's throughput counts wall time, which a descheduled thread inflates, while the thread's own CPU time
 * (ThreadMXBean) leaves most of that out (not all: shared caches still count). Same workload and fresh events as
 * {@link MatchBenchmark} (built outside the timed part, in batches of 256). Prints eight figures after four rounds of
 * warm-up, one per round of 4,000 batches; compare the lower ones, which the machine disturbed least.
 * <p>
 * {@code java -Xms3g -Xmx3g -cp bench/target/benchmarks.jar org.tidings.subscriptions.bench.MatchCpuTime 100000}
 */
public final class MatchCpuTime {

    private MatchCpuTime() {
    }

    public static void main(String[] args) {
        int subscriptions = Integer.parseInt(args[0]);
        Workload workload = new Workload(subscriptions);
        SubscriptionIndex index = workload.fill(new SubscriptionIndex(), 1);
        SplittableRandom random = new SplittableRandom(2);
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        CloudEvent[] batch = new CloudEvent[256];
        long sink = 0;
        for (int round = 0; round < 12; round++) {
            long cpu = 0;
            long events = 0;
            for (int b = 0; b < 4000; b++) {
                for (int i = 0; i < batch.length; i++) {
                    batch[i] = workload.event(random);
                }
                long start = bean.getCurrentThreadCpuTime();
                for (CloudEvent event : batch) {
                    sink += index.match(event).size();
                }
                cpu += bean.getCurrentThreadCpuTime() - start;
                events += batch.length;
            }
            if (round >= 4) {
                System.out.printf("ns_per_event %.0f%n", (double) cpu / events);
            }
        }
        System.out.println("sink " + sink);
    }
}
