package org.tidings.bench.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What security costs (issue 10's {@code secured_ratio}), on two fresh Tidings side by side that bench/e2e started:
 * one as Tidings always runs (authentication, grants and the duplicate window on), one with
 * {@code tidings.security.enabled=false}, on other ports. Both are provisioned and warmed up here the same way (the
 * same subscriptions, events and warm-up rule as {@link PipelineRun}), so that both carry the same history: the same
 * number of events before the measured rounds, and nothing else (until 2026-12-04 the secured one was the Tidings of
 * stages 2-4, with the webhook stage's sinks, deliveries and duplicate window records behind it). Then
 * {@code rounds} rounds, each sending {@code events} events as fast as 100 in flight allow through one Tidings and
 * then the other, the order changing every round (secured first, then open first, ...), so that a change in the
 * host's speed, which moved throughput by up to half within minutes here (bench/README.md, "A JVM still
 * compiling"), falls on both alike. Only one Tidings has events at a time; the other is idle.
 * <p>
 * {@code secured_ratio} = the median over the rounds of (secured events/s / open events/s of the same round).
 * Before 2026-12-04 it was stage 3's throughput phase against one of a fresh Tidings with security off, minutes
 * apart on a host whose speed changes within minutes.
 */
final class SecurityCostRun {

    private SecurityCostRun() {
    }

    public static void main(String[] args) throws Exception {
        var options = new Options(args);
        String user = options.text("user", "tidings");
        String password = options.text("password", "tidings");
        var securedBroker = new Broker(options.number("secured-broker-port"), user, password);
        var openBroker = new Broker(options.number("open-broker-port"), user, password);
        int subscriptions = options.number("subscriptions", 10_000);
        int warmup = options.number("warmup");
        int warmupMax = Math.max(warmup, options.number("warmup-max", warmup));
        int events = options.number("events");
        int rounds = options.number("rounds");
        int inFlight = options.number("in-flight", 100);
        int stallSeconds = options.number("stall-seconds", 60);
        String runId = options.text("run-id");
        var securedEvents = new BenchEvents(runId + "-secured", PipelineRun.SOURCE, subscriptions);
        var openEvents = new BenchEvents(runId + "-open", PipelineRun.SOURCE, subscriptions);
        var self = new ProcessCpu("this load tool", ProcessHandle.current().pid());
        var securedProcesses = List.of(
                new ProcessCpu("Payara Micro (secured)", options.number("secured-payara-pid", 0)),
                new ProcessCpu("its broker", options.number("secured-broker-pid", 0)), self);
        var openProcesses = List.of(new ProcessCpu("Payara Micro (open)", options.number("open-payara-pid", 0)),
                new ProcessCpu("its broker", options.number("open-broker-pid", 0)), self);

        int parallel = options.number("parallel", 2);
        String securedSink = new Provisioning(new AdminApi(options.number("secured-http-port")), securedEvents)
                .provision(subscriptions, parallel);
        String openSink = new Provisioning(new AdminApi(options.number("open-http-port")), openEvents)
                .provision(subscriptions, parallel);
        int perSide = (rounds + 1) * events; // a settling round, then the measured ones
        try (var securedRecorder = new DeliveryRecorder(securedBroker, "tidings.sink." + securedSink, securedEvents,
                warmupMax + perSide);
             var securedProducer = new WindowedProducer(securedBroker, "tidings.events", securedEvents, inFlight,
                     warmupMax + perSide);
             var openRecorder = new DeliveryRecorder(openBroker, "tidings.sink." + openSink, openEvents,
                     warmupMax + perSide);
             var openProducer = new WindowedProducer(openBroker, "tidings.events", openEvents, inFlight,
                     warmupMax + perSide)) {
            securedRecorder.listen();
            openRecorder.listen();
            var secured = new Side("secured", new PipelineRun(securedBroker, securedProducer, securedRecorder,
                    stallSeconds, securedProcesses), 0);
            var open = new Side("open", new PipelineRun(openBroker, openProducer, openRecorder, stallSeconds,
                    openProcesses), 0);
            // both warm, and both with the same number of events behind them
            secured.next = secured.run.warmUp(warmup, warmupMax);
            open.next = open.run.warmUp(secured.next, Math.max(secured.next, warmupMax));
            if (open.next > secured.next) {
                secured.round("secured catching up", open.next - secured.next);
            }
            // Each sat idle while the other warmed up: one round each, not counted, so that both come to the measured
            // rounds having just carried the same load.
            secured.round("secured settling", events);
            open.round("open settling", events);
            double[] ratios = new double[rounds];
            long[] securedRates = new long[rounds];
            long[] openRates = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                boolean securedFirst = r % 2 == 0;
                Side first = securedFirst ? secured : open;
                Side second = securedFirst ? open : secured;
                long firstRate = first.round(first.name + " round " + (r + 1), events);
                long secondRate = second.round(second.name + " round " + (r + 1), events);
                securedRates[r] = securedFirst ? firstRate : secondRate;
                openRates[r] = securedFirst ? secondRate : firstRate;
                ratios[r] = (double) securedRates[r] / Math.max(1, openRates[r]);
                Report.progress("security's cost, round %d of %d (%s first): secured %d, open %d events/s, ratio %.2f",
                        r + 1, rounds, first.name, securedRates[r], openRates[r], ratios[r]);
            }
            Report.progress("sinks: secured %d duplicate and %d foreign, open %d duplicate and %d foreign "
                    + "notifications", securedRecorder.duplicates(), securedRecorder.foreign(), openRecorder.duplicates(),
                    openRecorder.foreign());
            List<String> perRound = new ArrayList<>();
            for (double ratio : ratios) {
                perRound.add(String.format(Locale.ROOT, "%.2f", ratio));
            }
            Report.result("security secured_eps=%d open_eps=%d secured_ratio=%.2f rounds=%s duplicates=%d",
                    median(securedRates), median(openRates), median(ratios), String.join(",", perRound),
                    securedRecorder.duplicates() + openRecorder.duplicates());
        }
    }

    /** One Tidings: its run and the next sequence number it has not sent. */
    private static final class Side {
        final String name;
        final PipelineRun run;
        int next;

        Side(String name, PipelineRun run, int next) {
            this.name = name;
            this.run = run;
            this.next = next;
        }

        /** {@code events} events through this Tidings, all of which must arrive; their events/s. */
        long round(String phase, int events) throws Exception {
            var throughput = run.throughput(phase, next, next + events);
            next += events;
            if (throughput.delivered() < events) {
                throw new IllegalStateException(phase + ": " + throughput.delivered() + " of " + events
                        + " events reached the sink");
            }
            return throughput.eventsPerSecond();
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static long median(long[] values) {
        return Math.round(median(Arrays.stream(values).asDoubleStream().toArray()));
    }
}
