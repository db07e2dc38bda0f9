package org.tidings.bench.e2e;

import java.util.Arrays;
import java.util.List;

/**
 * Events through Tidings, from the events queue to a JMS sink's queue, on a Tidings that bench/e2e started.
 * Provisions one source, one JMS sink and {@code subscriptions} subscriptions, one per subject, so each event
 * matches exactly one; then three phases, each waiting until every event reached the sink:
 * <ol>
 * <li>warm-up, not counted, until the JVMs are warm ({@link #warmUp});</li>
 * <li>throughput: {@code events} sent as fast as 100 in flight allow; {@code jms_eps} = events delivered /
 * (first send .. last delivery);</li>
 * <li>latency: a steady {@code latency-rate} events/s for {@code latency-seconds}; latency = arrival at the sink
 * consumer - send, both on this JVM's clock.</li>
 * </ol>
 */
public final class PipelineRun {

    private static final String EVENTS_QUEUE = "tidings.events";
    private static final int WARMUP_ROUND = 5000;
    static final String SOURCE = "https://bench.example.com/mail-store";

    private final Broker broker;
    private final WindowedProducer producer;
    private final DeliveryRecorder recorder;
    private final int stallSeconds;
    private final List<ProcessCpu> processes;

    PipelineRun(Broker broker, WindowedProducer producer, DeliveryRecorder recorder, int stallSeconds,
                        List<ProcessCpu> processes) {
        this.broker = broker;
        this.producer = producer;
        this.recorder = recorder;
        this.stallSeconds = stallSeconds;
        this.processes = processes;
    }

    public static void main(String[] args) throws Exception {
        var options = new Options(args);
        var broker = Broker.from(options);
        int subscriptions = options.number("subscriptions", 10_000);
        int warmup = options.number("warmup");
        int warmupMax = Math.max(warmup, options.number("warmup-max", warmup));
        int measured = options.number("events");
        int rate = options.number("latency-rate", 1000);
        int latencyEvents = rate * options.number("latency-seconds");
        var processes = List.of(new ProcessCpu("Payara Micro", options.number("payara-pid", 0)),
                new ProcessCpu("the broker", options.number("broker-pid", 0)),
                new ProcessCpu("this load tool", ProcessHandle.current().pid()));
        var events = new BenchEvents(options.text("run-id"), SOURCE, subscriptions);

        String sinkId = new Provisioning(new AdminApi(options.number("http-port")), events)
                .provision(subscriptions, options.number("parallel", 2));
        int total = warmupMax + measured + latencyEvents; // the most events the run may send
        try (var recorder = new DeliveryRecorder(broker, "tidings.sink." + sinkId, events, total);
             var producer = new WindowedProducer(broker, EVENTS_QUEUE, events, options.number("in-flight", 100),
                     total)) {
            recorder.listen();
            var run = new PipelineRun(broker, producer, recorder, options.number("stall-seconds", 60), processes);
            int warmed = run.warmUp(warmup, warmupMax);
            var throughput = run.throughput("throughput", warmed, warmed + measured);
            var latency = run.latency(warmed + measured, warmed + measured + latencyEvents, rate);
            Report.progress("sink: %d duplicate and %d foreign notifications in the whole run",
                    recorder.duplicates(), recorder.foreign());
            Report.result("tidings jms_eps=%d producer_eps=%d p50_jms_ms=%.1f p99_jms_ms=%.1f delivered=%d/%d "
                            + "duplicates=%d warmup=%d sink=%s next=%d", throughput.eventsPerSecond(),
                    throughput.producerPerSecond(), latency.p50(), latency.p99(),
                    throughput.delivered() + latency.delivered(), measured + latencyEvents, recorder.duplicates(),
                    warmed, sinkId, warmed + measured + latencyEvents);
        }
    }

    record Throughput(long eventsPerSecond, long producerPerSecond, int delivered) {
    }

    record Latency(double p50, double p99, int delivered) {
    }

    /** Events not counted, in rounds of {@value #WARMUP_ROUND}, until the JVMs are warm ({@link WarmUp}). */
    int warmUp(int min, int max) throws Exception {
        return WarmUp.untilWarm("warm-up", processes, min, max, WARMUP_ROUND, (from, to) -> {
            producer.sendAll(from, to);
            if (recorder.awaitArrivals("warm-up", from, to, stallSeconds, 1800) < to - from) {
                // Nothing to measure: say why, rather than timing out phase after phase.
                throw new IllegalStateException("the warm-up did not reach the sink; " + RejectedEvents.describe(broker));
            }
        });
    }

    /** Events [from, to) as fast as the window allows, reported as {@code phase}. */
    Throughput throughput(String phase, int from, int to) throws Exception {
        Report.progress("%s: %d events, %d in flight", phase, to - from, producer.window());
        var before = CpuSnapshot.of(processes);
        long start = System.nanoTime();
        producer.sendAll(from, to);
        long producerRate = Report.perSecond(to - from, start, producer.lastConfirmedAt());
        Report.progress("%s: all %d sent and confirmed by the broker at %d events/s (while Tidings consumed)",
                phase, to - from, producerRate);
        int delivered = recorder.awaitArrivals(phase, from, to, stallSeconds, 1800);
        long eventsPerSecond = Report.perSecond(delivered, start, recorder.lastArrivalIn(from, to));
        var after = CpuSnapshot.of(processes);
        Report.progress("%s: %d events/s end to end (%d of %d delivered)", phase, eventsPerSecond, delivered,
                to - from);
        for (int i = 0; i < processes.size(); i++) {
            double cpu = after.cpuSince(before, i);
            double jit = after.jitSince(before, i);
            Report.progress("%s: %s used %.2f ms CPU per event, of which its JIT compiler threads %.2f ms "
                    + "(%.0f%%; large while it is not yet warm)", phase, processes.get(i).name(),
                    cpu * 1000 / Math.max(1, delivered), jit * 1000 / Math.max(1, delivered),
                    100 * jit / Math.max(0.001, cpu));
        }
        return new Throughput(eventsPerSecond, producerRate, delivered);
    }

    private Latency latency(int from, int to, int rate) throws Exception {
        Report.progress("latency: %d events/s for %d s", rate, (to - from) / rate);
        producer.sendPaced(from, to, rate);
        int delivered = recorder.awaitArrivals("latency", from, to, stallSeconds, 1800);
        long[] latencies = latencies(from, to, System.nanoTime());
        double p50 = percentileMillis(latencies, 0.50);
        double p99 = percentileMillis(latencies, 0.99);
        Report.progress("latency: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d of %d delivered%s)",
                p50, percentileMillis(latencies, 0.90), p99, percentileMillis(latencies, 1.0), delivered, to - from,
                delivered < to - from ? "; undelivered counted as waited-for time, a lower bound" : "");
        return new Latency(p50, p99, delivered);
    }

    /** Sorted latencies in ns; an event that never arrived counts as the time waited for it (a lower bound). */
    private long[] latencies(int from, int to, long awaitedUntil) {
        long[] latencies = new long[to - from];
        for (int sequence = from; sequence < to; sequence++) {
            long arrived = recorder.arrivedAt(sequence);
            latencies[sequence - from] = (arrived != 0 ? arrived : awaitedUntil) - producer.sentAt(sequence);
        }
        Arrays.sort(latencies);
        return latencies;
    }

    static double percentileMillis(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(fraction * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
