package org.tidings.delivery.control;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.tidings.delivery.webhook.Attempt;
import org.tidings.delivery.webhook.RetrySchedule;

/**
 * What follows an attempt to deliver a notification: it is delivered; it waits for its next attempt (the schedule's
 * delay, or the receiver's Retry-After if that is longer); it is dead (the schedule is used up, or the target is one
 * Tidings refuses to call); or the receiver said the endpoint is gone, and the sink is disabled with the notification
 * waiting for it.
 *
 * @param at when the next attempt is due (RETRY, DISABLE), else null
 */
public record NextStep(Kind kind, Instant at) {

    public enum Kind { DELIVERED, RETRY, DEAD, DISABLE }

    /** @param attemptsMade the attempts so far, the one that gave {@code attempt} included */
    public static NextStep after(Attempt attempt, int attemptsMade, RetrySchedule schedule, Instant now,
            RandomGenerator random) {
        return switch (attempt.result()) {
            case DELIVERED -> new NextStep(Kind.DELIVERED, null);
            case REFUSED -> new NextStep(Kind.DEAD, null);
            case GONE -> new NextStep(Kind.DISABLE, now);
            case RETRY -> {
                var delay = schedule.delayBefore(attemptsMade + 1, random);
                if (delay.isEmpty()) {
                    yield new NextStep(Kind.DEAD, null);
                }
                Duration wait = delay.get();
                if (attempt.retryAfter().isPresent() && attempt.retryAfter().get().compareTo(wait) > 0) {
                    wait = attempt.retryAfter().get();
                }
                yield new NextStep(Kind.RETRY, now.plus(wait));
            }
        };
    }
}
