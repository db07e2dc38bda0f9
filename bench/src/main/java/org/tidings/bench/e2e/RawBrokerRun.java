package org.tidings.bench.e2e;

/**
 * The denominator: how fast the bare broker (the same broker.xml and queue {@code tidings.events}, no Tidings)
 * takes a durable 1 KB message from one producer with 100 in flight and hands it to one consumer, with the same
 * producer and consumer code and the same event bodies as the end-to-end run.
 *
 * <p>Phases: a warm-up sent and consumed together; the end-to-end run's producer alone (tagged events: duplicate
 * id and message group, no consumer); the consumer alone, draining what it left; then the measured run,
 * producer and consumer together, with untagged messages as any broker benchmark sends them:
 * {@code raw_mps} = messages / (first send .. last arrival). Then the same with tagged events, for reference:
 * it shows what the broker's duplicate detection costs by itself. The measured pair runs twice and the second
 * round counts: on a fresh broker the first was 25-55% slower here, most likely while the journal creates its
 * files (a repeated run on the same broker did not show it).
 */
public final class RawBrokerRun {

    private static final String QUEUE = "tidings.events";
    private static final int ROUNDS = 2;

    public static void main(String[] args) throws Exception {
        var options = new Options(args);
        var broker = Broker.from(options);
        int warmup = options.number("warmup");
        int alone = options.number("alone");
        int measured = options.number("events");
        int inFlight = options.number("in-flight", 100);
        var events = new BenchEvents(options.text("run-id"), "https://bench.example.com/raw", 10_000);
        var brokerCpu = new ProcessCpu("the broker", options.number("broker-pid", 0));
        int aloneEnd = warmup + alone;
        int total = aloneEnd + ROUNDS * 2 * measured;

        try (var producer = new WindowedProducer(broker, QUEUE, events, inFlight, total);
             var recorder = new DeliveryRecorder(broker, QUEUE, events, total)) {
            Report.progress("raw warm-up: %d messages sent and consumed together", warmup);
            recorder.listen();
            producer.sendAll(0, warmup);
            recorder.awaitArrivals("raw warm-up", 0, warmup, 30, 300);
            recorder.pause();

            long producerStart = System.nanoTime();
            producer.sendAll(warmup, aloneEnd, true);
            long producerRate = Report.perSecond(alone, producerStart, producer.lastConfirmedAt());
            Report.progress("raw: the end-to-end producer alone: %d events/s (%d tagged events, send to broker "
                    + "confirmation, no consumer)", producerRate, alone);

            long consumerStart = System.nanoTime();
            recorder.listen();
            int drained = recorder.awaitArrivals("raw consumer alone", warmup, aloneEnd, 30, 300);
            long consumerRate = Report.perSecond(drained, consumerStart, recorder.lastArrivalIn(warmup, aloneEnd));
            Report.progress("raw: the consumer alone: %d msg/s (%d messages)", consumerRate, drained);

            long rate = 0;
            long taggedRate = 0;
            for (int round = 1, from = aloneEnd; round <= ROUNDS; round++, from += 2 * measured) {
                double cpuBefore = brokerCpu.seconds();
                rate = sendAndConsume(producer, recorder, from, from + measured, false);
                Report.progress("raw send-and-consume, round %d of %d: %d msg/s; the broker used %.2f ms CPU per "
                        + "message", round, ROUNDS, rate, (brokerCpu.seconds() - cpuBefore) * 1000 / measured);
                taggedRate = sendAndConsume(producer, recorder, from + measured, from + 2 * measured, true);
                Report.progress("raw send-and-consume of tagged events (duplicate id, group), round %d of %d: "
                        + "%d msg/s", round, ROUNDS, taggedRate);
            }
            Report.result("raw producer_mps=%d consumer_mps=%d raw_mps=%d raw_tagged_mps=%d", producerRate,
                    consumerRate, rate, taggedRate);
        }
    }

    private static long sendAndConsume(WindowedProducer producer, DeliveryRecorder recorder, int from, int to,
                                       boolean tagged) throws Exception {
        long start = System.nanoTime();
        producer.sendAll(from, to, tagged);
        int arrived = recorder.awaitArrivals("raw send-and-consume", from, to, 30, 600);
        if (arrived < to - from || recorder.duplicates() > 0) {
            throw new IllegalStateException("the broker delivered " + arrived + " of " + (to - from)
                    + " messages and " + recorder.duplicates() + " duplicates");
        }
        return Report.perSecond(arrived, start, recorder.lastArrivalIn(from, to));
    }
}
