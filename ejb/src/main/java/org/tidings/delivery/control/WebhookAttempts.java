package org.tidings.delivery.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.tidings.delivery.entity.Delivery;
import org.tidings.delivery.entity.Notification;
import org.tidings.delivery.webhook.Attempt;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;

/**
 * One attempt to deliver a notification to a sink that Tidings delivers to itself (webhook, purge), wherever it is
 * made (the first by the dispatcher, the others by the retry worker): the sending by the {@link Transmitter} of the
 * sink's channel, the sink's circuit breaker told of the answer, and what follows ({@link NextStep}), ready to be
 * recorded on the notification's {@link Delivery}.
 */
@ApplicationScoped
public class WebhookAttempts {

    static final String GONE = "the receiver answered 410 Gone";

    @Inject
    Instance<Transmitter> transmitters;

    @Inject
    RetrySchedules schedules;

    @Inject
    CircuitBreakers breakers;

    @Inject
    SeenNow seen;

    private final Clock clock = Clock.systemUTC();
    private final Map<Channel, Transmitter> byChannel = new EnumMap<>(Channel.class);

    @PostConstruct
    void collectTransmitters() {
        for (Transmitter transmitter : transmitters) {
            byChannel.put(transmitter.channel(), transmitter);
        }
    }

    /** An attempt's answer, what follows it, and the number of attempts made with it. */
    public record Outcome(Attempt attempt, NextStep step, int attempts, Instant answeredAt) {

        /** Records the outcome on the delivery (and disables the sink on 410): both in the caller's transaction. */
        public void applyTo(Delivery delivery, Sink sink) {
            Integer status = attempt.status() == 0 ? null : attempt.status();
            switch (step.kind()) {
                case DELIVERED -> delivery.delivered(attempts, attempt.status(), attempt.answer(), answeredAt);
                case DEAD -> delivery.dead(attempts, status, attempt.answer(), answeredAt);
                case RETRY -> delivery.waitUntil(step.at(), attempts, status, attempt.answer(), answeredAt);
                case DISABLE -> {
                    if (sink.enabled()) {
                        sink.disable(GONE, answeredAt);
                    }
                    delivery.waitUntil(step.at(), attempts, status, attempt.answer(), answeredAt);
                }
            }
        }

        /**
         * True if this outcome disables the sink (410): its row is then read locked, so that a pause committed after
         * an unlocked read is not overwritten (an operator's pause made a 410's, which the subscriber could lift).
         */
        public boolean disablesSink() {
            return step.kind() == NextStep.Kind.DISABLE;
        }

        /** True if the next notification of the same line may follow now: this one is done, and the sink is fine. */
        public boolean lineGoesOn() {
            return step.kind() == NextStep.Kind.DELIVERED
                    || step.kind() == NextStep.Kind.DEAD && attempt.result() != Attempt.Result.RETRY;
        }
    }

    /** @param attemptsBefore the attempts made so far (0 for the first) */
    public Outcome attempt(Sink sink, Notification notification, int attemptsBefore) {
        String withheld = seen.withheld(sink, notification);
        if (withheld != null) { // nothing is sent, so nothing counts against the sink's circuit or its attempts
            var refused = new Attempt(Attempt.Result.REFUSED, 0, withheld, Optional.empty(), Duration.ZERO);
            Instant now = clock.instant();
            breakers.record(sink.id(), refused, now); // a half-open circuit's probe, if this was it, is still to come
            return new Outcome(refused, new NextStep(NextStep.Kind.DEAD, null), attemptsBefore, now);
        }
        Attempt attempt = send(sink, notification);
        Instant answered = clock.instant();
        breakers.record(sink.id(), attempt, answered);
        int attempts = attemptsBefore + 1;
        return new Outcome(attempt, NextStep.after(attempt, attempts, schedules.of(sink), answered,
                ThreadLocalRandom.current()), attempts, answered);
    }

    /** A sink of a channel without a transmitter (JMS) is a failed attempt with its reason, never an exception. */
    private Attempt send(Sink sink, Notification notification) {
        Transmitter transmitter = byChannel.get(sink.channel());
        if (transmitter == null) {
            return new Attempt(Attempt.Result.REFUSED, 0, "Tidings does not send to " + sink.channel() + " sinks",
                    Optional.empty(), Duration.ZERO);
        }
        return transmitter.send(sink, notification);
    }
}
