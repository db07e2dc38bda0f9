package org.tidings.subscriptions.bench;

import io.cloudevents.CloudEvent;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.tidings.subscriptions.control.SubscriptionIndex;

/**
 * Matches per second ({@link #throughput}) and per-event latency ({@link #latency}) of
 * {@link SubscriptionIndex#match} on one thread, for 1k to 1M subscriptions of the {@link Workload} mix. The
 * measured cost includes normalizing each event's subject, source and URIs.
 * <p>
 * Where the events come from ({@code events}):
 * <ul>
 * <li>{@code fresh}: as in the pipeline, each event is built just before it is matched (the events MDB decodes a
 * message, then matches it). Events are built in batches of {@value #BATCH}, outside the measured time, from one
 * endless random stream, so no event repeats.</li>
 * <li>{@code pooled}: 65,536 events are built once and cycled. This also measures fetching each event from
 * memory: a pool of tens of megabytes stays in the CPU's last-level cache beside a small index and is pushed out
 * of it by a large one, which makes the large index look slower for a reason no pipeline has.</li>
 * </ul>
 * The fork runs with default JVM flags and a fixed 3 GB heap; bench/README.md also reports a run with transparent
 * huge pages.
 */
@State(Scope.Benchmark)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 2)
public class MatchBenchmark {

    static final int BATCH = 256;
    private static final int POOL = 1 << 16;

    @Param({"1000", "10000", "100000", "1000000"})
    public int subscriptions;

    @Param({"fresh", "pooled"})
    public String events;

    private Workload workload;
    private SubscriptionIndex index;
    private SplittableRandom random;
    private CloudEvent[] pool;
    private int poolNext;
    private CloudEvent[] batch;
    private int batchNext;

    @Setup(Level.Trial)
    public void build() {
        workload = new Workload(subscriptions);
        index = workload.fill(new SubscriptionIndex(), 1);
        random = new SplittableRandom(2);
        batch = new CloudEvent[BATCH];
        if ("pooled".equals(events)) {
            pool = new CloudEvent[POOL];
            for (int i = 0; i < POOL; i++) {
                pool[i] = workload.event(random);
            }
        }
        long matched = 0;
        for (int i = 0; i < POOL; i++) {
            matched += index.match(workload.event(new SplittableRandom(i))).size();
        }
        System.out.printf("%n%,d subscriptions, %.2f matches per event%n", index.size(), (double) matched / POOL);
        batchNext = BATCH;
        // as in a long-running server, the index is measured after it has settled in the old generation
        System.gc();
    }

    /** Fills the next batch (fresh: newly built events; pooled: the pool's next ones), outside the measured time. */
    @Setup(Level.Invocation)
    public void nextEvents() {
        if (batchNext < BATCH) {
            return;
        }
        for (int i = 0; i < BATCH; i++) {
            if (pool == null) {
                batch[i] = workload.event(random);
            } else {
                batch[i] = pool[poolNext];
                poolNext = (poolNext + 1) & (POOL - 1);
            }
        }
        batchNext = 0;
    }

    /** Events matched per second: one invocation matches a whole batch. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void throughput(Blackhole matches) {
        for (CloudEvent event : batch) {
            matches.consume(index.match(event));
        }
        batchNext = BATCH;
    }

    /** The latency of matching one event, sampled. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<UUID> latency() {
        return index.match(batch[batchNext++]);
    }
}
