package org.tidings.delivery.control;

import org.tidings.delivery.entity.Notification;
import org.tidings.delivery.webhook.Attempt;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;

/**
 * Sends one attempt of a notification over its sink's channel and says how it ended; what follows (the ledger, the
 * retry schedule, the circuit breaker) is the same for every channel ({@link WebhookAttempts}). Implementations are
 * thread-safe, check every target against the address policy before sending, and never throw for what the target
 * or the network does: a refused target is {@link Attempt.Result#REFUSED}, a timeout or a connection failure
 * {@link Attempt.Result#RETRY}. They share one contract test.
 */
public interface Transmitter {

    /** The channel whose sinks this transmitter serves. */
    Channel channel();

    Attempt send(Sink sink, Notification notification);
}
