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
 * <li>a live sink beside a dead one: {@code dead-rate} events/s for {@code dead-seconds} in each of two conditions,
 * alternated in {@code dead-rounds} rounds. Each round has two parts of {@code dead-seconds / dead-rounds}: first all
 * to the live sinks (the baseline), then every other one to a dead sink of its own; the other half, the same shape
 * of events to the same live sinks in both parts, is measured. After its round the dead sink is deleted with its
 * backlog, and the next round starts once Payara Micro has settled: each baseline part runs with no sink down.
 * {@code p99_live_alone_ms} and {@code p99_live_with_dead_ms} are the p99s of all the rounds' measured deliveries of
 * each condition together; each part's own figures are printed too. A single pause of the host (a slow fsync of the
 * broker's journal) delays every delivery in flight, and in a short part it alone decides the p99: alternating puts
 * such pauses in both conditions alike. Only where the even events go differs. Before the rounds, not counted, a
 * part like a measured one to another dead sink, which is then deleted (with its backlog): the paths of a failing
 * sink (failed attempts, the circuit opening, parking) run warm in the measured parts, as the first-attempt path does
 * in the baseline after the warm-up; each measured dead sink is still new, its circuit closed, when its part
 * begins.</li>
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
        int rounds = options.number("dead-rounds", 1);
        int partEvents = deadPhaseEvents / rounds;
        int hookSubjects = sinks * SUBJECTS_PER_SINK;
        var processes = List.of(new ProcessCpu("Payara Micro", options.number("payara-pid", 0)),
                new ProcessCpu("the broker", options.number("broker-pid", 0)),
                new ProcessCpu("this load tool (with the receiver)", ProcessHandle.current().pid()));
        String runId = options.text("run-id");
        var hooks = new BenchEvents(runId + "-hooks", SOURCE,
                sequence -> BenchEvents.subjectOf("hook", BenchEvents.spread(sequence, hookSubjects)));
        // Round r has 2 parts of partEvents: the baseline's all go to live sinks; then the even ones to dead sink r.
        var withDead = new BenchEvents(runId + "-dead", SOURCE, sequence -> sequence % (2 * partEvents) >= partEvents
                && sequence % 2 == 0 ? BenchEvents.subjectOf(deadKind(sequence / (2 * partEvents)),
                        BenchEvents.spread(sequence / 2, DEAD_SUBJECTS))
                : BenchEvents.subjectOf("hook", BenchEvents.spread(sequence, hookSubjects)));

        // The warm-up of a failing sink's paths: the same shape as the measured part, to another dead sink.
        var warmingDead = new BenchEvents(runId + "-warm-dead", SOURCE, sequence -> sequence % 2 == 0
                ? BenchEvents.subjectOf("warmdead", BenchEvents.spread(sequence / 2, DEAD_SUBJECTS))
                : BenchEvents.subjectOf("hook", BenchEvents.spread(sequence, hookSubjects)));

        try (var receiver = new WebhookReceiver(options.number("receiver-threads", 32))) {
            var admin = new AdminApi(options.number("http-port"));
            var dead = provision(admin, receiver, sinks, hooks, rounds);
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
            run.deleted(admin, hooks, "the warm-up's dead sink", dead.warmUp());

            var deadArrivals = new Arrivals(withDead, 2 * partEvents * rounds);
            receiver.record(deadArrivals);
            List<long[]> alone = new ArrayList<>();
            List<long[]> besideDead = new ArrayList<>();
            try (var producer = new WindowedProducer(run.broker, EVENTS_QUEUE, withDead, run.inFlight,
                    2 * partEvents * rounds)) {
                for (int round = 0; round < rounds; round++) {
                    int from = 2 * partEvents * round;
                    String of = rounds > 1 ? String.format(", round %d of %d", round + 1, rounds) : "";
                    alone.add(run.latencies("live sinks alone (the odd events measured" + of + ")", producer,
                            deadArrivals, odd(from, from + partEvents), deadRate, from, from + partEvents));
                    besideDead.add(run.latencies("live sinks beside a dead one (the even events to it" + of + ")",
                            producer, deadArrivals, odd(from + partEvents, from + 2 * partEvents), deadRate,
                            from + partEvents, from + 2 * partEvents));
                    if (round < rounds - 1) {
                        run.deleted(admin, hooks, "dead sink " + (round + 1), dead.measured().get(round));
                    }
                }
            }
            Report.progress("the last dead sink's status: %s",
                    admin.sinkStatus(dead.measured().get(rounds - 1).sink()));
            double p99Baseline = pooled("live sinks alone", alone);
            double p99WithDead = pooled("live sinks beside a dead one", besideDead);
            Report.progress("receiver: %d requests, %d duplicate and %d foreign arrivals in the webhook phases, %d "
                    + "duplicate in the dead-sink phases", receiver.requests(), arrivals.duplicates(),
                    arrivals.foreign(), deadArrivals.duplicates());
            Report.result("webhook webhook_dps=%d p99_webhook_ms=%.1f p99_live_with_dead_ms=%.1f "
                    + "p99_live_alone_ms=%.1f warmup=%d", dps, p99, p99WithDead, p99Baseline, warmed);
        }
    }

    /** A dead sink and its one subscription. */
    private record DeadSink(String sink, String subscription) {
    }

    /** The dead sinks: the warm-up's, and one per round (each deleted after its round but the last). */
    private record DeadSinks(DeadSink warmUp, List<DeadSink> measured) {
    }

    /** The subjects of the measured dead sink of round {@code round}. */
    private static String deadKind(int round) {
        return "dead" + round;
    }

    /** Returns the dead sinks once this instance's matching index holds every new subscription. */
    private static DeadSinks provision(AdminApi admin, WebhookReceiver receiver, int sinks, BenchEvents hooks,
            int rounds) throws Exception {
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
        DeadSink warmUp = deadSink(admin, "bench dead webhook, warm-up", "warmdead");
        List<DeadSink> measured = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            measured.add(deadSink(admin, "bench dead webhook " + (round + 1), deadKind(round)));
        }
        int indexed = admin.awaitIndexed(hooks.body(0), count -> count >= before + sinks + 1 + rounds,
                "the webhook subscriptions");
        Report.progress("provisioned %d webhook sinks and %d dead ones (%s for the warm-up, %s measured) in %.1f s; "
                + "the index holds %d subscriptions", sinks, 1 + rounds, warmUp.sink(),
                measured.stream().map(DeadSink::sink).toList(), (System.nanoTime() - start) / 1e9, indexed);
        return new DeadSinks(warmUp, measured);
    }

    /** A webhook sink posting to a loopback port that refuses connections, subscribed to its own subjects. */
    private static DeadSink deadSink(AdminApi admin, String name, String subjectKind) throws Exception {
        String sink = admin.createWebhookSink(name, "http://127.0.0.1:" + closedPort() + "/dead");
        String subscription = admin.subscribe(sink, IntStream.range(0, DEAD_SUBJECTS)
                .mapToObj(n -> BenchEvents.subjectOf(subjectKind, n)).toList());
        return new DeadSink(sink, subscription);
    }

    /** Prints the dead sink's status, deletes it with its backlog, and waits until Tidings has settled. */
    private void deleted(AdminApi admin, BenchEvents hooks, String what, DeadSink dead) throws Exception {
        Report.progress("%s: %s; deleted with its backlog", what, admin.sinkStatus(dead.sink()));
        int indexedBefore = admin.indexedSubscriptions(hooks.body(0));
        admin.deleteSubscriptionAndSink(dead.subscription(), dead.sink());
        settled(admin, hooks, indexedBefore - 1, what);
    }

    /**
     * Waits until the matching index has taken the deletion ({@code indexed} subscriptions) and Payara Micro's CPU has
     * come down from what the deletion set off (its change notice, the views catching up): below a fifth of a core
     * over the last second, for at most {@value #SETTLE_SECONDS} s. The baseline after it measures the live sinks,
     * not the deletion.
     */
    private void settled(AdminApi admin, BenchEvents hooks, int indexed, String what) throws Exception {
        long start = System.nanoTime();
        admin.awaitIndexed(hooks.body(0), count -> count <= indexed, "the deletion of " + what);
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
        return PipelineRun.percentileMillis(latencies(phase, producer, arrivals, measured, rate, from, to), 0.99);
    }

    /** Sends [from, to) at {@code rate}/s and returns the latencies of {@code measured} (a subset), sorted, in ns. */
    private long[] latencies(String phase, WindowedProducer producer, Arrivals arrivals, int[] measured, int rate,
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
        Report.progress("%s: %s (%d of %d delivered%s)", phase, percentiles(latencies), delivered, measured.length,
                delivered < measured.length ? "; undelivered counted as waited-for time, a lower bound" : "");
        return latencies;
    }

    /** The p99 of all the parts' latencies together, in ms, printed with their p50, p90 and max. */
    private static double pooled(String condition, List<long[]> parts) {
        long[] all = parts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        Report.progress("%s, %d parts together: %s (%d deliveries)", condition, parts.size(), percentiles(all),
                all.length);
        return PipelineRun.percentileMillis(all, 0.99);
    }

    /** p50, p90, p99 and max of latencies sorted in ns, in ms. */
    private static String percentiles(long[] sorted) {
        return String.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
                PipelineRun.percentileMillis(sorted, 0.50), PipelineRun.percentileMillis(sorted, 0.90),
                PipelineRun.percentileMillis(sorted, 0.99), PipelineRun.percentileMillis(sorted, 1.0));
    }
}
