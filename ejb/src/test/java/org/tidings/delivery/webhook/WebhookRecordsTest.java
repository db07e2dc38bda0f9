package org.tidings.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.webhook.Attempt.Result;

class WebhookRecordsTest {

    @Test
    void anAnswerIsPrintableAndShort() {
        assertThat(attempt("HTTP 500:\r\n<html>\tboom\u0000</html>\n").answer())
                .isEqualTo("HTTP 500:  <html> boom </html>");
        assertThat(attempt("y".repeat(10_000)).answer()).hasSize(Attempt.ANSWER_LIMIT);
        assertThat(attempt(null).answer()).isEmpty();
    }

    @Test
    void anAnswerIsNeverCutInsideASurrogatePair() {
        String answer = attempt("x".repeat(Attempt.ANSWER_LIMIT - 1) + "😀").answer();

        assertThat(answer).isEqualTo("x".repeat(Attempt.ANSWER_LIMIT - 1));
    }

    @Test
    void aCallNamesNeitherItsSecretsNorItsHeaderValuesNorItsQuery() {
        String secret = WebhookSecrets.generate();
        WebhookCall call = new WebhookCall(URI.create("https://hooks.example/in?token=t0ken"), "msg_1", new byte[3],
                "application/json", Map.of("authorization", "Bearer b3arer"), List.of(secret), Duration.ofSeconds(5),
                Duration.ofSeconds(15));

        assertThat(call.toString()).contains("https://hooks.example/in", "msg_1", "authorization")
                .doesNotContain(secret.substring(6), "b3arer", "t0ken");
    }

    @Test
    void aCallCopiesItsListsAndWantsPositiveTimeouts() {
        var secrets = new ArrayList<>(List.of(WebhookSecrets.generate()));
        WebhookCall call = new WebhookCall(URI.create("http://127.0.0.1/"), "msg_1", new byte[0], "text/plain",
                Map.of(), secrets, Duration.ofSeconds(1), Duration.ofSeconds(1));
        secrets.clear();

        assertThat(call.secrets()).hasSize(1);
        assertThatThrownBy(() -> new WebhookCall(URI.create("http://127.0.0.1/"), "msg_1", new byte[0], "text/plain",
                Map.of(), List.of(), Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Attempt attempt(String answer) {
        return new Attempt(Result.RETRY, 500, answer, Optional.empty(), Duration.ZERO);
    }
}
