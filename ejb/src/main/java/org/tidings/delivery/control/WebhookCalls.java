package org.tidings.delivery.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.delivery.entity.Notification;
import org.tidings.delivery.webhook.BinaryMode;
import org.tidings.delivery.webhook.SecretSealer;
import org.tidings.delivery.webhook.WebhookCall;
import org.tidings.sinks.entity.ContentMode;
import org.tidings.sinks.entity.ReceiverCredentials;
import org.tidings.sinks.entity.Sink;

/**
 * The HTTP call that delivers a notification to a webhook sink: the event's structured JSON CloudEvent as the body, or
 * for a sink in binary mode its data as the body and its attributes as {@code ce-} headers ({@link BinaryMode}),
 * signed with every secret of the sink that signs at that moment (two during a rotation's overlap), with the
 * credentials the sink presents to its receiver, if any, as one more header.
 */
@ApplicationScoped
public class WebhookCalls {

    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=utf-8";

    @Inject
    SecretSealer sealer;

    @Inject
    @ConfigProperty(name = "tidings.webhook.connect-timeout", defaultValue = "PT5S")
    Duration connectTimeout;

    @Inject
    @ConfigProperty(name = "tidings.webhook.read-timeout", defaultValue = "PT15S")
    Duration readTimeout;

    /** Opened secrets and credentials by their sealed form: opening (AES-GCM) once per value, not once per call. */
    private final Map<String, String> opened = new ConcurrentHashMap<>();

    /**
     * @throws IllegalStateException if a sealed secret or the sealed credentials do not open with this instance's
     *         key; the message holds nothing of them
     */
    public WebhookCall of(Sink sink, Notification notification, Instant now) {
        byte[] body = notification.body();
        String contentType = CONTENT_TYPE;
        Map<String, String> headers = credentials(sink);
        Set<String> attributes = Set.of();
        if (sink.contentMode() == ContentMode.BINARY) {
            var binary = BinaryMode.of(body);
            body = binary.body();
            contentType = binary.contentType();
            var all = new LinkedHashMap<>(binary.headers());
            // a credential header of the same name replaces the attribute's, and stays a credential
            Set<String> credentialNames = headers.keySet();
            all.keySet().removeIf(name -> credentialNames.stream().anyMatch(name::equalsIgnoreCase));
            attributes = Set.copyOf(all.keySet());
            all.putAll(headers);
            headers = all;
        }
        return new WebhookCall(URI.create(sink.endpoint()), notification.id(), body, contentType,
                headers, sink.sealedSecretsAt(now).stream().map(this::open).toList(),
                sink.connectTimeoutMillis() != null ? Duration.ofMillis(sink.connectTimeoutMillis()) : connectTimeout,
                sink.readTimeoutMillis() != null ? Duration.ofMillis(sink.readTimeoutMillis()) : readTimeout,
                attributes);
    }

    /**
     * The header that presents the sink's credentials to its receiver, or none. They open only for the sink, type and
     * URL they were sealed for ({@link Sink#credentialsContext}).
     */
    private Map<String, String> credentials(Sink sink) {
        if (sink.sealedAuth() == null) {
            return Map.of();
        }
        String context = sink.credentialsContext(sink.authType());
        return ReceiverCredentials.headerOf(opened.computeIfAbsent(context + "\n" + sink.sealedAuth(),
                key -> sealer.open(sink.sealedAuth(), context)));
    }

    private String open(String sealed) {
        return opened.computeIfAbsent(sealed, sealer::open);
    }
}
