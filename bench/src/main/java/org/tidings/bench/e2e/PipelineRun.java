package org.tidings.bench.e2e;

import java.util.Arrays;
import java.util.List;

/**
 * Events through Tidings, from the events queue to a JMS sink's queue, on a Tidings that bench/e2e started.
 * Provisions one source, one JMS sink and {@code subscriptions} subscriptions, one per subject, so each event
 * matches exactly one; then three phases, each waiting until every event reached the sink:
 * <ol>
 * <li>warm-up, not counted;</li>
 * <li>throughput: {@code events} sent as fast as 100 in flight allow; {@code jms_eps} = events delivered /
 * (first send .. last delivery);</li>
 * <li>latency: a steady {@code latency-rate} events/s for {@code latency-seconds}; latency = arrival at the sink
 * consumer - send, both on this JVM's clock.</li>
 * </ol>
 */
public final class PipelineRun {

    private static final String EVENTS_QUEUE = "tidings.events";
    private static final String SOURCE = "https://bench.example.com/mail-store";

    public static void main(String[] args) throws Exception {
        var options = new Options(args);
        var broker = Broker.from(options);
        var admin = new AdminApi(options.number("http-port"));
        int subscriptions = options.number("subscriptions", 10_000);
        int warmup = options.number("warmup");
        int measured = options.number("events");
        int rate = options.number("latency-rate", 1000);
        int latencyEvents = rate * options.number("latency-seconds");
        int stallSeconds = options.number("stall-seconds", 60);
        var cpus = List.of(new ProcessCpu("payara", options.number("payara-pid", 0)),
                new ProcessCpu("broker", options.number("broker-pid", 0)));
        var events = new BenchEvents(options.text("run-id"), SOURCE, subscriptions);

        String sinkId = provision(admin, events, subscriptions, options.number("parallel", 8));
        String sinkQueue = "tidings.sink." + sinkId;
        int total = warmup + measured + latencyEvents;
        try (var recorder = new DeliveryRecorder(broker, sinkQueue, events, total);
             var producer = new WindowedProducer(broker, EVENTS_QUEUE, events, options.number("in-flight", 100),
                     total)) {
            recorder.listen();

            Report.progress("warm-up: %d events", warmup);
            producer.sendAll(0, warmup);
            if (recorder.awaitArrivals("warm-up", 0, warmup, stallSeconds, 1800) < warmup) {
                // Nothing to measure: say why, rather than timing out phase after phase.
                throw new IllegalStateException("the warm-up did not reach the sink; "
                        + RejectedEvents.describe(broker));
            }

            int end = warmup + measured;
            Report.progress("throughput: %d events, 100 in flight", measured);
            double[] cpuBefore = cpuSeconds(cpus);
            long start = System.nanoTime();
            producer.sendAll(warmup, end);
            long producerRate = Report.perSecond(measured, start, producer.lastConfirmedAt());
            Report.progress("throughput: all %d sent and confirmed by the broker at %d events/s", measured,
                    producerRate);
            int delivered = recorder.awaitArrivals("throughput", warmup, end, stallSeconds, 1800);
            long eventsPerSecond = Report.perSecond(delivered, start, recorder.lastArrivalIn(warmup, end));
            double[] cpuAfter = cpuSeconds(cpus);
            Report.progress("throughput: %d events/s end to end (%d of %d delivered)", eventsPerSecond, delivered,
                    measured);
            for (int i = 0; i < cpus.size(); i++) {
                Report.progress("throughput: %s used %.2f ms CPU per event", cpus.get(i).name(),
                        (cpuAfter[i] - cpuBefore[i]) * 1000 / Math.max(1, delivered));
            }

            Report.progress("latency: %d events/s for %d s", rate, latencyEvents / rate);
            producer.sendPaced(end, total, rate);
            int latencyDelivered = recorder.awaitArrivals("latency", end, total, stallSeconds, 1800);
            long awaitedUntil = System.nanoTime();
            long[] latencies = latencies(producer, recorder, end, total, awaitedUntil);
            double p50 = percentileMillis(latencies, 0.50);
            double p99 = percentileMillis(latencies, 0.99);
            Report.progress("latency: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d of %d delivered%s)",
                    p50, percentileMillis(latencies, 0.90), p99, percentileMillis(latencies, 1.0),
                    latencyDelivered, latencyEvents,
                    latencyDelivered < latencyEvents ? "; undelivered counted as waited-for time, a lower bound" : "");
            Report.progress("sink: %d duplicate and %d foreign notifications in the whole run",
                    recorder.duplicates(), recorder.foreign());
            Report.result("tidings jms_eps=%d producer_eps=%d p50_jms_ms=%.1f p99_jms_ms=%.1f delivered=%d/%d "
                            + "duplicates=%d", eventsPerSecond, producerRate, p50, p99,
                    delivered + latencyDelivered, measured + latencyEvents, recorder.duplicates());
        }
    }

    private static String provision(AdminApi admin, BenchEvents events, int subscriptions, int parallel)
            throws Exception {
        long start = System.nanoTime();
        admin.createSource("bench mail store", events.source());
        String sinkId = admin.createSink("bench notifier");
        Report.progress("provisioning %d subscriptions for sink %s, %d requests at a time", subscriptions, sinkId,
                parallel);
        admin.subscribeSubjects(sinkId, subscriptions, parallel);
        // Subscriptions reach the matching index through change notices: wait until it holds them all.
        for (int attempt = 0; attempt < 600; attempt++) {
            int indexed = admin.indexedSubscriptions(events.body(0));
            if (indexed >= subscriptions) {
                Report.progress("provisioned in %.0f s; the index holds %d subscriptions",
                        (System.nanoTime() - start) / 1e9, indexed);
                return sinkId;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the matching index did not reach " + subscriptions + " subscriptions");
    }

    private static double[] cpuSeconds(List<ProcessCpu> cpus) {
        return cpus.stream().mapToDouble(ProcessCpu::seconds).toArray();
    }

    /** Sorted latencies in ns; an event that never arrived counts as the time waited for it (a lower bound). */
    private static long[] latencies(WindowedProducer producer, DeliveryRecorder recorder, int from, int to,
                                    long awaitedUntil) {
        long[] latencies = new long[to - from];
        for (int sequence = from; sequence < to; sequence++) {
            long arrived = recorder.arrivedAt(sequence);
            latencies[sequence - from] = (arrived != 0 ? arrived : awaitedUntil) - producer.sentAt(sequence);
        }
        Arrays.sort(latencies);
        return latencies;
    }

    private static double percentileMillis(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(fraction * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
