package org.tidings.delivery.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.tidings.delivery.control.CircuitBreakers;
import org.tidings.delivery.control.ReceiverPace;
import org.tidings.delivery.control.SinkConcurrency;
import org.tidings.delivery.webhook.WebhookTransmitter;

/**
 * At start-up, creates the delivery beans whose settings can be wrong, and logs their settings: a value they refuse
 * (their {@code @PostConstruct}) stops the application as it starts, not at the first notification to a sink.
 */
@Startup
@Singleton
public class DeliverySettingsCheck {

    private static final Logger LOG = Logger.getLogger(DeliverySettingsCheck.class.getName());

    @Inject
    CircuitBreakers breakers;

    @Inject
    SinkConcurrency concurrency;

    @Inject
    ReceiverPace pace;

    @Inject
    WebhookTransmitter transmitter;

    @PostConstruct
    void check() {
        // the transmitter loads its client certificate's key store when it is made: a bad one stops the start
        String certificate = transmitter.clientCertificate();
        String trust = transmitter.trustStore();
        LOG.info(() -> "webhook and purge delivery: " + concurrency.settings() + "; " + breakers.settings() + "; "
                + pace.settings() + "; webhook calls show " + (certificate == null ? "no client certificate"
                        : "the client certificate of " + certificate + " to a receiver that asks for one")
                + " and trust " + (trust == null ? "the JVM's trust store" : "the certificates of " + trust));
    }
}
