package org.tidings.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.entity.Notification;
import org.tidings.delivery.webhook.Sealer;
import org.tidings.delivery.webhook.SecretSealer;
import org.tidings.delivery.webhook.WebhookCall;
import org.tidings.delivery.webhook.WebhookSecrets;
import org.tidings.sinks.entity.ContentMode;
import org.tidings.sinks.entity.ReceiverCredentials;
import org.tidings.sinks.entity.Sink;

/** The call built for a webhook sink carries the sink's own settings. */
class WebhookCallsTest {

    private final Sealer sealer = new Sealer(new byte[32]);

    private WebhookCall callFor(Integer connectTimeoutMillis, Integer readTimeoutMillis) {
        return callFor(connectTimeoutMillis, readTimeoutMillis, null);
    }

    private WebhookCall callFor(Integer connectTimeoutMillis, Integer readTimeoutMillis,
            ReceiverCredentials credentials) {
        Sink sink = sink(connectTimeoutMillis, readTimeoutMillis);
        if (credentials != null) {
            sink.authenticateWith(credentials.type(),
                    sealer.seal(credentials.plaintext(), sink.credentialsContext(credentials.type())));
        }
        return callTo(sink);
    }

    private Sink sink(Integer connectTimeoutMillis, Integer readTimeoutMillis) {
        return Sink.webhook("hook", "http://127.0.0.1:9/hook", sealer.seal(WebhookSecrets.generate()),
                connectTimeoutMillis, readTimeoutMillis, Instant.now());
    }

    private WebhookCall callTo(Sink sink) {
        return callTo(sink, "{}");
    }

    private WebhookCall callTo(Sink sink, String body) {
        var calls = new WebhookCalls();
        calls.sealer = new SecretSealer() {
            @Override
            public String open(String sealed) {
                return sealer.open(sealed);
            }

            @Override
            public String open(String sealed, String context) {
                return sealer.open(sealed, context);
            }
        };
        calls.connectTimeout = Duration.ofSeconds(5);
        calls.readTimeout = Duration.ofSeconds(15);
        Notification notification = new Notification(Notification.idOf("https://shop.example.com", "e-1", sink.id()),
                sink.id(), UUID.randomUUID(), "s", "https://shop.example.com", "e-1",
                body.getBytes(StandardCharsets.UTF_8));
        return calls.of(sink, notification, Instant.now());
    }

    @Test
    void credentialsSealedForOneSinkDoNotOpenForAnotherNorUnderAnotherType() {
        Sink owner = sink(null, null);
        var credentials = ReceiverCredentials.bearer("tok-31337");
        owner.authenticateWith(credentials.type(),
                sealer.seal(credentials.plaintext(), owner.credentialsContext(credentials.type())));
        assertThat(callTo(owner).headers()).isEqualTo(Map.of("Authorization", "Bearer tok-31337"));

        // someone with write access to the database copies them to a sink of theirs, or changes their type
        Sink thief = sink(null, null);
        thief.authenticateWith(credentials.type(), owner.sealedAuth());
        assertThatThrownBy(() -> callTo(thief)).isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("tok-31337");
        owner.authenticateWith(ReceiverCredentials.Type.HEADER, owner.sealedAuth());
        assertThatThrownBy(() -> callTo(owner)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theSinksTimeoutsAreUsedAsTheySay() {
        // one HTTP client serves every connect timeout: nothing to gain from rounding 250 ms up to a second
        WebhookCall call = callFor(250, 1500);

        assertThat(call.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(call.readTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void aSinkWithoutTimeoutsGetsTheConfiguredOnes() {
        WebhookCall call = callFor(null, null);

        assertThat(call.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(call.readTimeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void aSinksCredentialsAreOpenedAndSentAsTheirHeader() {
        WebhookCall call = callFor(null, null, ReceiverCredentials.basic("relay", "pw-31337"));

        assertThat(call.headers()).isEqualTo(Map.of("Authorization", "Basic cmVsYXk6cHctMzEzMzc="));
        assertThat(call.toString()).contains("Authorization").doesNotContain("cmVsYXk6cHctMzEzMzc=")
                .doesNotContain("pw-31337");
        assertThat(callFor(null, null, ReceiverCredentials.header("X-Api-Key", "k-1")).headers())
                .isEqualTo(Map.of("X-Api-Key", "k-1"));
    }

    /** In binary mode the event's ce- headers are told from the credentials, which alone are blotted out of answers. */
    @Test
    void inBinaryModeTheEventsAttributesAreNotTakenForCredentials() {
        Sink sink = sink(null, null);
        var credentials = ReceiverCredentials.header("X-Api-Key", "k-31337");
        sink.authenticateWith(credentials.type(), sealer.seal(credentials.plaintext(),
                sink.credentialsContext(credentials.type())));
        sink.sendsIn(ContentMode.BINARY);
        WebhookCall call = callTo(sink, "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":"
                + "\"https://shop.example.com\",\"type\":\"t\",\"data\":{\"a\":1}}");

        assertThat(call.headers()).containsEntry("X-Api-Key", "k-31337").containsEntry("ce-specversion", "1.0");
        assertThat(call.attributeHeaders()).contains("ce-specversion", "ce-id").doesNotContain("X-Api-Key");
        assertThat(call.credentialHeaders()).isEqualTo(Map.of("X-Api-Key", "k-31337"));
    }

    @Test
    void aSinkWithoutCredentialsSendsNoExtraHeader() {
        assertThat(callFor(null, null).headers()).isEmpty();
    }
}
