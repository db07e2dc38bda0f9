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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.tidings.subscriptions.control.SubscriptionIndex;

/**
 * Matches per second ({@link #throughput}) and per-event latency ({@link #latency}) of
 * {@link SubscriptionIndex#match} on one thread, for 1k to 1M subscriptions of the {@link Workload} mix. Events are
 * pre-built CloudEvents, so the measured cost includes normalizing each event's subject and URIs.
 */
@State(Scope.Benchmark)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MatchBenchmark {

    private static final int EVENTS = 1 << 16;

    @Param({"1000", "10000", "100000", "1000000"})
    public int subscriptions;

    private SubscriptionIndex index;
    private CloudEvent[] events;
    private int next;

    @Setup(Level.Trial)
    public void build() {
        Workload workload = new Workload(subscriptions);
        index = workload.fill(new SubscriptionIndex(), 1);
        SplittableRandom random = new SplittableRandom(2);
        events = new CloudEvent[EVENTS];
        long matched = 0;
        for (int i = 0; i < EVENTS; i++) {
            events[i] = workload.event(random);
            matched += index.match(events[i]).size();
        }
        System.out.printf("%n%,d subscriptions, %.2f matches per event%n", index.size(), (double) matched / EVENTS);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public List<UUID> throughput() {
        return matchNext();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<UUID> latency() {
        return matchNext();
    }

    private List<UUID> matchNext() {
        CloudEvent event = events[next];
        next = (next + 1) & (EVENTS - 1);
        return index.match(event);
    }
}
