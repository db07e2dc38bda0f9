package org.tidings.delivery.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.tidings.delivery.entity.Delivery;
import org.tidings.delivery.entity.Notification;
import org.tidings.delivery.webhook.Attempt;
import org.tidings.delivery.webhook.WebhookCall;
import org.tidings.delivery.webhook.WebhookTransmitter;
import org.tidings.sinks.entity.Sink;

/**
 * One attempt to deliver a notification to a webhook sink, wherever it is made (the first by the dispatcher, the
 * others by the retry worker): the POST, the sink's circuit breaker told of the answer, and what follows
 * ({@link NextStep}), ready to be recorded on the notification's {@link Delivery}.
 */
@ApplicationScoped
public class WebhookAttempts {

    static final String GONE = "the receiver answered 410 Gone";

    @Inject
    WebhookTransmitter transmitter;

    @Inject
    WebhookCalls calls;

    @Inject
    RetrySchedules schedules;

    @Inject
    CircuitBreakers breakers;

    private final Clock clock = Clock.systemUTC();

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

        /** True if the next notification of the same line may follow now: this one is done, and the sink is fine. */
        public boolean lineGoesOn() {
            return step.kind() == NextStep.Kind.DELIVERED
                    || step.kind() == NextStep.Kind.DEAD && attempt.result() != Attempt.Result.RETRY;
        }
    }

    /** @param attemptsBefore the attempts made so far (0 for the first) */
    public Outcome attempt(Sink sink, Notification notification, int attemptsBefore) {
        Attempt attempt = send(sink, notification);
        Instant answered = clock.instant();
        breakers.record(sink.id(), attempt, answered);
        int attempts = attemptsBefore + 1;
        return new Outcome(attempt, NextStep.after(attempt, attempts, schedules.schedule(), answered,
                ThreadLocalRandom.current()), attempts, answered);
    }

    /**
     * A call that cannot be made (a sealed secret that does not open with this instance's key) is a failed attempt
     * of its notification, recorded with its reason: never an exception that would roll back a retry batch or have
     * the broker redeliver the notification for ever.
     */
    private Attempt send(Sink sink, Notification notification) {
        WebhookCall call;
        try {
            call = calls.of(sink, notification, clock.instant());
        } catch (RuntimeException e) {
            return new Attempt(Attempt.Result.RETRY, 0, "the call cannot be made: " + e.getMessage(), Optional.empty(),
                    Duration.ZERO);
        }
        return transmitter.send(call);
    }
}
