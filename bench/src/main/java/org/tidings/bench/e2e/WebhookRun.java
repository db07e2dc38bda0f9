package org.tidings.bench.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Webhook deliveries through Tidings, on the Tidings bench/e2e started (after {@link PipelineRun}, whose 10,000
 * subscriptions stay in the index). Provisions a source of its own, {@code sinks} webhook sinks posting to a
 * {@link WebhookReceiver} in this JVM (one path each), one subscription per sink to {@value #SUBJECTS_PER_SINK}
 * subjects of its own, so each event matches exactly one webhook sink, and a dead sink whose URL is a loopback
 * port where nothing listens (connection refused). Phases, each waiting until the events reached the receiver:
 * <ol>
 * <li>warm-up, not counted, in rounds of {@value #WARMUP_ROUND} until the JVMs are warm ({@link WarmUp}): the
 * webhook path runs code the JMS stage before it did not;</li>
 * <li>throughput: {@code events} sent as fast as 100 in flight allow; {@code webhook_dps} = deliveries / (first ..
 * last arrival at the receiver);</li>
 * <li>latency: a steady {@code latency-rate} events/s for {@code latency-seconds}; {@code p99_webhook_ms} from
 * latency = arrival at the receiver - send to tidings.events, both on this JVM's clock;</li>
 * <li>a live sink beside a dead one: {@code dead-rate} events/s for {@code dead-seconds}, twice. First all to the
 * live sinks (the baseline), then every other one to the dead sink; the other half, the same events to the same
 * live sinks in both parts, is measured: {@code p99_live_alone_ms} in the first part, {@code p99_live_with_dead_ms}
 * in the second. Only where the even events go differs. Before both, not counted, the same as the second part with
 * another dead sink, which is then deleted (with its backlog): the paths of a failing sink (failed attempts, the
 * circuit opening, parking) run warm in the measured part, as the first-attempt path does in the baseline after the
 * warm-up; the measured dead sink is still new, its circuit closed, when its part begins.</li>
 * </ol>
 */
public final class WebhookRun {

    private static final String EVENTS_QUEUE = "tidings.events";
    private static final String SOURCE = "https://bench.example.com/mail-hooks";
    private static final int SUBJECTS_PER_SINK = 10;
    private static final int DEAD_SUBJECTS = 10;
    private static final int WARMUP_ROUND = 2500;
    private static final int SETTLE_SECONDS = 60;
    private static final int SLOWEST = 10;

    private final Broker broker;
    private final WebhookReceiver receiver;
    private final int inFlight;
    private final int stallSeconds;
    private final List<ProcessCpu> processes;

    private WebhookRun(Broker broker, WebhookReceiver receiver, int inFlight, int stallSeconds,
                       List<ProcessCpu> processes) {
        this.broker = broker;
        this.receiver = receiver;
        this.inFlight = inFlight;
        this.stallSeconds = stallSeconds;
        this.processes = processes;
    }

    public static void main(String[] args) throws Exception {
        var options = new Options(args);
        int sinks = options.number("sinks", 100);
        int warmup = options.number("warmup");
        int warmupMax = Math.max(warmup, options.number("warmup-max", warmup));
        int measured = options.number("events");
        int rate = options.number("latency-rate", 1000);
        int latencyEvents = rate * options.number("latency-seconds");
        int deadRate = options.number("dead-rate", 500);
        int deadPhaseEvents = deadRate * options.number("dead-seconds");
        int baselineEvents = deadPhaseEvents;
        int hookSubjects = sinks * SUBJECTS_PER_SINK;
        var processes = List.of(new ProcessCpu("Payara Micro", options.number("payara-pid", 0)),
                new ProcessCpu("the broker", options.number("broker-pid", 0)),
                new ProcessCpu("this load tool (with the receiver)", ProcessHandle.current().pid()));
        String runId = options.text("run-id");
        var hooks = new BenchEvents(runId + "-hooks", SOURCE,
                sequence -> BenchEvents.subjectOf("hook", BenchEvents.spread(sequence, hookSubjects)));
        // Baseline events all go to live sinks; after it, the even ones to the dead sink.
        var withDead = new BenchEvents(runId + "-dead", SOURCE, sequence -> sequence >= baselineEvents
                && sequence % 2 == 0 ? BenchEvents.subjectOf("dead", BenchEvents.spread(sequence / 2, DEAD_SUBJECTS))
                : BenchEvents.subjectOf("hook", BenchEvents.spread(sequence, hookSubjects)));

        // The warm-up of a failing sink's paths: the same shape as the measured part, to another dead sink.
        var warmingDead = new BenchEvents(runId + "-warm-dead", SOURCE, sequence -> sequence % 2 == 0
                ? BenchEvents.subjectOf("warmdead", BenchEvents.spread(sequence / 2, DEAD_SUBJECTS))
                : BenchEvents.subjectOf("hook", BenchEvents.spread(sequence, hookSubjects)));

        try (var receiver = new WebhookReceiver(options.number("receiver-threads", 32))) {
            var admin = new AdminApi(options.number("http-port"));
            var dead = provision(admin, receiver, sinks, hooks);
            String deadSink = dead.measured();
            var run = new WebhookRun(Broker.from(options), receiver, options.number("in-flight", 100),
                    options.number("stall-seconds", 60), processes);

            int total = warmupMax + measured + latencyEvents; // the most events the phases may send
            var arrivals = new Arrivals(hooks, total);
            receiver.record(arrivals);
            long dps;
            double p99;
            int warmed;
            try (var producer = new WindowedProducer(run.broker, EVENTS_QUEUE, hooks, run.inFlight, total)) {
                warmed = run.warmUp(producer, arrivals, warmup, warmupMax);
                dps = run.throughput(producer, arrivals, warmed, warmed + measured);
                p99 = run.latency("webhook latency", producer, arrivals, range(warmed + measured,
                        warmed + measured + latencyEvents), rate);
            }

            var warmArrivals = new Arrivals(warmingDead, deadPhaseEvents);
            receiver.record(warmArrivals);
            try (var producer = new WindowedProducer(run.broker, EVENTS_QUEUE, warmingDead, run.inFlight,
                    deadPhaseEvents)) {
                run.latency("a failing sink's paths warmed up (not counted; the even events to another dead sink)",
                        producer, warmArrivals, odd(0, deadPhaseEvents), deadRate, 0, deadPhaseEvents);
            }
            Report.progress("the warm-up's dead sink: %s; deleted with its backlog", admin.sinkStatus(dead.warmUp()));
            int indexedBefore = admin.indexedSubscriptions(hooks.body(0));
            admin.deleteSubscriptionAndSink(dead.warmUpSubscription(), dead.warmUp());
            run.settled(admin, hooks, indexedBefore - 1);

            var deadArrivals = new Arrivals(withDead, baselineEvents + deadPhaseEvents);
            receiver.record(deadArrivals);
            double p99Baseline;
            double p99WithDead;
            try (var producer = new WindowedProducer(run.broker, EVENTS_QUEUE, withDead, run.inFlight,
                    baselineEvents + deadPhaseEvents)) {
                p99Baseline = run.latency("live sinks alone (the odd events measured)", producer, deadArrivals,
                        odd(0, baselineEvents), deadRate, 0, baselineEvents);
                p99WithDead = run.latency("live sinks beside a dead one (the even events to it)", producer,
                        deadArrivals, odd(baselineEvents, baselineEvents + deadPhaseEvents), deadRate,
                        baselineEvents, baselineEvents + deadPhaseEvents);
            }
            Report.progress("dead sink status: %s", admin.sinkStatus(deadSink));
            Report.progress("receiver: %d requests, %d duplicate and %d foreign arrivals in the webhook phases, %d "
                    + "duplicate in the dead-sink phases", receiver.requests(), arrivals.duplicates(),
                    arrivals.foreign(), deadArrivals.duplicates());
            Report.result("webhook webhook_dps=%d p99_webhook_ms=%.1f p99_live_with_dead_ms=%.1f "
                    + "p99_live_alone_ms=%.1f warmup=%d", dps, p99, p99WithDead, p99Baseline, warmed);
        }
    }

    /** The dead sinks: the measured one, and the warm-up's, with its subscription (both deleted after it). */
    private record DeadSinks(String measured, String warmUp, String warmUpSubscription) {
    }

    /** Returns the dead sinks once this instance's matching index holds every new subscription. */
    private static DeadSinks provision(AdminApi admin, WebhookReceiver receiver, int sinks, BenchEvents hooks)
            throws Exception {
        long start = System.nanoTime();
        int before = admin.indexedSubscriptions(hooks.body(0));
        admin.createSource("bench webhook store", SOURCE);
        for (int sink = 0; sink < sinks; sink++) {
            String id = admin.createWebhookSink("bench webhook " + sink, receiver.url(sink));
            List<String> subjects = new ArrayList<>();
            for (int subject = sink; subject < sinks * SUBJECTS_PER_SINK; subject += sinks) {
                subjects.add(BenchEvents.subjectOf("hook", subject));
            }
            admin.subscribe(id, subjects);
        }
        String deadSink = admin.createWebhookSink("bench dead webhook", "http://127.0.0.1:" + closedPort() + "/dead");
        admin.subscribe(deadSink, IntStream.range(0, DEAD_SUBJECTS).mapToObj(n -> BenchEvents.subjectOf("dead", n))
                .toList());
        String warmUpSink = admin.createWebhookSink("bench dead webhook, warm-up",
                "http://127.0.0.1:" + closedPort() + "/dead");
        String warmUpSubscription = admin.subscribe(warmUpSink, IntStream.range(0, DEAD_SUBJECTS)
                .mapToObj(n -> BenchEvents.subjectOf("warmdead", n)).toList());
        int indexed = admin.awaitIndexed(hooks.body(0), count -> count >= before + sinks + 2,
                "the webhook subscriptions");
        Report.progress("provisioned %d webhook sinks and two dead ones (%s measured, %s for the warm-up) in %.1f s; "
                + "the index holds %d subscriptions", sinks, deadSink, warmUpSink, (System.nanoTime() - start) / 1e9,
                indexed);
        return new DeadSinks(deadSink, warmUpSink, warmUpSubscription);
    }

    /**
     * Waits until the matching index has taken the deletion ({@code indexed} subscriptions) and Payara Micro's CPU has
     * come down from what the deletion set off (its change notice, the views catching up): below a fifth of a core
     * over the last second, for at most {@value #SETTLE_SECONDS} s. The baseline after it measures the live sinks,
     * not the deletion.
     */
    private void settled(AdminApi admin, BenchEvents hooks, int indexed) throws Exception {
        long start = System.nanoTime();
        admin.awaitIndexed(hooks.body(0), count -> count <= indexed, "the warm-up sink's deletion");
        var last = CpuSnapshot.of(processes);
        double busy = Double.NaN;
        for (int second = 0; second < SETTLE_SECONDS; second++) {
            Thread.sleep(1000); // a one-second window of CPU time
            var now = CpuSnapshot.of(processes);
            busy = now.cpuSince(last, 0);
            last = now;
            if (busy < 0.2) {
                break;
            }
        }
        Report.progress("after the deletion: %s used %.2f s CPU in the last second, %.1f s after the delete",
                processes.get(0).name(), busy, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Prints the {@value #SLOWEST} slowest of {@code measured} with their event ids and the wall-clock time each was
     * sent, so that a Flight Recording or a log of the same run can be read at those instants.
     */
    private static void slowest(String phase, WindowedProducer producer, int[] measured, long[] latencies) {
        long wallNow = System.currentTimeMillis();
        long nanoNow = System.nanoTime();
        var slowest = IntStream.range(0, measured.length).boxed()
                .sorted((a, b) -> Long.compare(latencies[b], latencies[a])).limit(SLOWEST)
                .map(i -> String.format("%s sent %s took %.1f ms", producer.events().id(measured[i]),
                        java.time.Instant.ofEpochMilli(wallNow - (nanoNow - producer.sentAt(measured[i])) / 1_000_000),
                        latencies[i] / 1e6))
                .toList();
        Report.progress("%s: the slowest: %s", phase, String.join("; ", slowest));
    }

    /** A loopback port nothing listens on: one the system just gave out and took back. */
    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    private static int[] odd(int from, int to) {
        return IntStream.range(from, to).filter(sequence -> sequence % 2 != 0).toArray();
    }

    private int warmUp(WindowedProducer producer, Arrivals arrivals, int min, int max) throws Exception {
        Report.progress("webhook warm-up: %d-%d events", min, max);
        return WarmUp.untilWarm("webhook warm-up", processes, min, max, WARMUP_ROUND, (from, to) -> {
            producer.sendAll(from, to);
            if (arrivals.await("webhook warm-up", range(from, to), stallSeconds, 1800) < to - from) {
                throw new IllegalStateException("the webhook warm-up did not reach the receiver; "
                        + RejectedEvents.describe(broker));
            }
        });
    }

    private long throughput(WindowedProducer producer, Arrivals arrivals, int from, int to) throws Exception {
        Report.progress("webhook throughput: %d events, %d in flight", to - from, producer.window());
        var before = CpuSnapshot.of(processes);
        long start = System.nanoTime();
        producer.sendAll(from, to);
        Report.progress("webhook throughput: all %d sent and confirmed by the broker at %d events/s", to - from,
                Report.perSecond(to - from, start, producer.lastConfirmedAt()));
        int[] sequences = range(from, to);
        int delivered = arrivals.await("webhook throughput", sequences, stallSeconds, 1800);
        var after = CpuSnapshot.of(processes);
        long first = Long.MAX_VALUE;
        long last = 0;
        for (int sequence : sequences) {
            long at = arrivals.arrivedAt(sequence);
            if (at != 0) {
                first = Math.min(first, at);
                last = Math.max(last, at);
            }
        }
        long dps = Report.perSecond(delivered, first, last);
        Report.progress("webhook throughput: %d deliveries/s from first to last arrival, %d/s from first send (%d of "
                + "%d delivered)", dps, Report.perSecond(delivered, start, last), delivered, to - from);
        for (int i = 0; i < processes.size(); i++) {
            double cpu = after.cpuSince(before, i);
            double jit = after.jitSince(before, i);
            Report.progress("webhook throughput: %s used %.2f ms CPU per delivery, of which its JIT compiler threads "
                    + "%.2f ms (%.0f%%)", processes.get(i).name(), cpu * 1000 / Math.max(1, delivered),
                    jit * 1000 / Math.max(1, delivered), 100 * jit / Math.max(0.001, cpu));
        }
        return dps;
    }

    private double latency(String phase, WindowedProducer producer, Arrivals arrivals, int[] sequences, int rate)
            throws Exception {
        return latency(phase, producer, arrivals, sequences, rate, sequences[0], sequences[sequences.length - 1] + 1);
    }

    /** Sends [from, to) at {@code rate}/s and returns the p99 of {@code measured} (a subset), in ms. */
    private double latency(String phase, WindowedProducer producer, Arrivals arrivals, int[] measured, int rate,
                           int from, int to) throws Exception {
        Report.progress("%s: %d events/s for %d s", phase, rate, (to - from) / rate);
        var before = CpuSnapshot.of(processes);
        producer.sendPaced(from, to, rate);
        int delivered = arrivals.await(phase, measured, stallSeconds, 1800);
        long awaitedUntil = System.nanoTime();
        var after = CpuSnapshot.of(processes);
        Report.progress("%s: %s used %.1f s CPU, of which its JIT compiler threads %.0f%%", phase,
                processes.get(0).name(), after.cpuSince(before, 0),
                100 * after.jitSince(before, 0) / Math.max(0.001, after.cpuSince(before, 0)));
        long[] latencies = new long[measured.length];
        for (int i = 0; i < measured.length; i++) {
            long arrived = arrivals.arrivedAt(measured[i]);
            latencies[i] = (arrived != 0 ? arrived : awaitedUntil) - producer.sentAt(measured[i]);
        }
        slowest(phase, producer, measured, latencies);
        Arrays.sort(latencies);
        double p99 = PipelineRun.percentileMillis(latencies, 0.99);
        Report.progress("%s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d of %d delivered%s)", phase,
                PipelineRun.percentileMillis(latencies, 0.50), PipelineRun.percentileMillis(latencies, 0.90), p99,
                PipelineRun.percentileMillis(latencies, 1.0), delivered, measured.length,
                delivered < measured.length ? "; undelivered counted as waited-for time, a lower bound" : "");
        return p99;
    }
}
