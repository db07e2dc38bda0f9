package org.tidings.bench.e2e;

/**
 * The denominator: how fast the bare broker (the same broker.xml, queue {@code tidings.events}, no Tidings)
 * takes a durable message from one producer with 100 in flight and hands it to one consumer. It sends the very
 * messages the end-to-end run sends, with the same producer and the same consumer code.
 *
 * <p>Phases: a warm-up sent and consumed together; the producer alone (no consumer); the consumer alone,
 * draining what the producer left; then the measured run, producer and consumer together:
 * {@code raw_mps} = events / (first send .. last arrival).
 */
public final class RawBrokerRun {

    private static final String QUEUE = "tidings.events";

    public static void main(String[] args) throws Exception {
        var options = new Options(args);
        var broker = Broker.from(options);
        int warmup = options.number("warmup");
        int alone = options.number("alone");
        int measured = options.number("events");
        int inFlight = options.number("in-flight", 100);
        var events = new BenchEvents(options.text("run-id"), "https://bench.example.com/raw", 10_000);
        int total = warmup + alone + measured;

        try (var producer = new WindowedProducer(broker, QUEUE, events, inFlight, total);
             var recorder = new DeliveryRecorder(broker, QUEUE, events, total)) {
            Report.progress("raw warm-up: %d messages sent and consumed together", warmup);
            recorder.listen();
            producer.sendAll(0, warmup);
            recorder.awaitArrivals("raw warm-up", 0, warmup, 30, 300);
            recorder.pause();

            int aloneEnd = warmup + alone;
            long producerStart = System.nanoTime();
            producer.sendAll(warmup, aloneEnd);
            long producerRate = Report.perSecond(alone, producerStart, producer.lastConfirmedAt());
            Report.progress("raw producer alone: %d msg/s (%d messages, send to broker confirmation)",
                    producerRate, alone);

            long consumerStart = System.nanoTime();
            recorder.listen();
            int drained = recorder.awaitArrivals("raw consumer alone", warmup, aloneEnd, 30, 300);
            long consumerRate = Report.perSecond(drained, consumerStart, recorder.lastArrivalIn(warmup, aloneEnd));
            Report.progress("raw consumer alone: %d msg/s (%d messages)", consumerRate, drained);

            long start = System.nanoTime();
            producer.sendAll(aloneEnd, total);
            int arrived = recorder.awaitArrivals("raw measured", aloneEnd, total, 30, 600);
            long rate = Report.perSecond(arrived, start, recorder.lastArrivalIn(aloneEnd, total));
            Report.progress("raw send-and-consume: %d msg/s (%d of %d messages; %d duplicates)",
                    rate, arrived, measured, recorder.duplicates());
            Report.result("raw producer_mps=%d consumer_mps=%d raw_mps=%d", producerRate, consumerRate, rate);
        }
    }
}
