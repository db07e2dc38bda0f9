package org.tidings.delivery.control;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.tidings.delivery.webhook.AddressPolicy;
import org.tidings.delivery.webhook.Sealer;
import org.tidings.delivery.webhook.SecretSealer;
import org.tidings.delivery.webhook.WebhookSecrets;
import org.tidings.delivery.webhook.WebhookTransmitter;
import org.tidings.sinks.entity.Sink;

/** The webhook channel meets the transmitter contract (its own behaviour: WebhookTransmitterTest). */
class SignedWebhooksTest extends TransmitterContract {

    private final Sealer sealer = new Sealer(new byte[32]);

    @Override
    protected Transmitter transmitter(AddressPolicy policy) {
        var calls = new WebhookCalls();
        calls.sealer = new SecretSealer() {
            @Override
            public String open(String sealed) {
                return sealer.open(sealed);
            }
        };
        calls.connectTimeout = Duration.ofSeconds(2);
        calls.readTimeout = READ_TIMEOUT;
        var webhooks = new SignedWebhooks();
        webhooks.calls = calls;
        webhooks.transmitter = new WebhookTransmitter(policy, Clock.systemUTC());
        return webhooks;
    }

    @Override
    protected Sink sinkAt(URI target, Duration readTimeout) {
        return Sink.webhook("hook", target.toString(), sealer.seal(WebhookSecrets.generate()), 2000,
                (int) readTimeout.toMillis(), Instant.now());
    }

    @Override
    protected int success() {
        return 204;
    }
}
