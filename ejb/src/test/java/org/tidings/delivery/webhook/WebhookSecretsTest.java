package org.tidings.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSecretsTest {

    @Test
    void generatedSecretsAreWhsecAndThirtyTwoRandomBytes() {
        String one = WebhookSecrets.generate();
        String two = WebhookSecrets.generate();

        assertThat(one).startsWith("whsec_").hasSize("whsec_".length() + 44).isNotEqualTo(two);
        assertThat(WebhookSecrets.keyOf(one)).hasSize(32)
                .isEqualTo(Base64.getDecoder().decode(one.substring("whsec_".length())));
    }

    @Test
    void acceptsTwentyFourBytes() {
        String secret = "whsec_" + Base64.getEncoder().encodeToString(new byte[24]);

        assertThat(WebhookSecrets.keyOf(secret)).hasSize(24);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "whsec_", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", "whsec_not*base64!",
            "whsec_MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM=" /* 23 bytes */})
    void refusesMalformedSecretsWithoutRepeatingThem(String secret) {
        assertThatThrownBy(() -> WebhookSecrets.keyOf(secret))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> {
                    if (secret.length() > "whsec_".length()) {
                        assertThat(e.getMessage()).doesNotContain(secret.substring("whsec_".length()));
                    }
                });
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> WebhookSecrets.keyOf(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
