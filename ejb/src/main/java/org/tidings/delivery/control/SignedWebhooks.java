package org.tidings.delivery.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.tidings.delivery.entity.Notification;
import org.tidings.delivery.webhook.Attempt;
import org.tidings.delivery.webhook.WebhookCall;
import org.tidings.delivery.webhook.WebhookTransmitter;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;

/** The webhook channel: one signed POST of the notification to the sink's URL ({@link WebhookTransmitter}). */
@ApplicationScoped
public class SignedWebhooks implements Transmitter {

    @Inject
    WebhookTransmitter transmitter;

    @Inject
    WebhookCalls calls;

    private final Clock clock = Clock.systemUTC();

    @Override
    public Channel channel() {
        return Channel.WEBHOOK;
    }

    /**
     * A call that cannot be made (a sealed secret that does not open with this instance's key) is a failed attempt
     * of its notification, recorded with its reason: never an exception that would roll back a retry batch or have
     * the broker redeliver the notification for ever.
     */
    @Override
    public Attempt send(Sink sink, Notification notification) {
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
