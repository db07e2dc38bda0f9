package org.tidings.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks signatures with the Standard Webhooks reference library, an independent verifier. */
class WebhookSignerTest {

    private static final String BODY = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"data\":\"é ✓\"}";
    private final String secret = WebhookSecrets.generate();
    private final long now = System.currentTimeMillis() / 1000;

    @Test
    void theReferenceVerifierAcceptsTheSignature() {
        String signature = WebhookSigner.signature("msg_1", now, bytes(BODY), List.of(secret));

        assertThat(signature).startsWith("v1,").doesNotContain(" ");
        assertThatCode(() -> new Webhook(secret).verify(BODY, headers("msg_1", now, signature)))
                .doesNotThrowAnyException();
    }

    @Test
    void theReferenceVerifierRejectsATamperedBody() {
        String signature = WebhookSigner.signature("msg_1", now, bytes(BODY), List.of(secret));
        String tampered = BODY.replace("e-1", "e-2");

        assertThatThrownBy(() -> new Webhook(secret).verify(tampered, headers("msg_1", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void theReferenceVerifierRejectsAnotherIdOrTimestamp() {
        String signature = WebhookSigner.signature("msg_1", now, bytes(BODY), List.of(secret));

        assertThatThrownBy(() -> new Webhook(secret).verify(BODY, headers("msg_2", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(secret).verify(BODY, headers("msg_1", now - 1, signature)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void duringARotationEachSecretVerifiesAlone() {
        String next = WebhookSecrets.generate();
        String signature = WebhookSigner.signature("msg_1", now, bytes(BODY), List.of(secret, next));

        assertThat(signature.split(" ")).hasSize(2).allSatisfy(s -> assertThat(s).startsWith("v1,"));
        assertThatCode(() -> new Webhook(secret).verify(BODY, headers("msg_1", now, signature)))
                .doesNotThrowAnyException();
        assertThatCode(() -> new Webhook(next).verify(BODY, headers("msg_1", now, signature)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new Webhook(WebhookSecrets.generate()).verify(BODY, headers("msg_1", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void matchesTheSpecificationsExample() {
        // the example of standard-webhooks/spec/standard-webhooks.md and of the reference libraries' tests
        String signature = WebhookSigner.signature("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                bytes("{\"test\": 2432232314}"), List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void refusesAMessageIdWithADot() {
        assertThatThrownBy(() -> WebhookSigner.signature("msg.1", now, bytes(BODY), List.of(secret)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesToSignWithoutASecret() {
        assertThatThrownBy(() -> WebhookSigner.signature("msg_1", now, bytes(BODY), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
