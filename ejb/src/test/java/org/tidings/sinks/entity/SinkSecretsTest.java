package org.tidings.sinks.entity;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.Column;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.webhook.Sealer;
import org.tidings.delivery.webhook.WebhookSecrets;

/** Which secrets sign a webhook after rotations (docs/adr/0012): none a receiver may still hold is dropped early. */
class SinkSecretsTest {

    private static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");
    private static final Duration OVERLAP = Duration.ofHours(24);

    @Test
    void aSecondRotationWithinTheOverlapKeepsTheSecretBeforeTheFirstSigning() {
        Sink sink = Sink.webhook("hooks", "https://receiver.example/hook", "v1:a", null, null, T0);

        sink.rotateSecret("v1:b", T0, T0.plus(OVERLAP));
        Instant retry = T0.plusSeconds(5); // the first answer was lost: the receivers still hold a
        sink.rotateSecret("v1:c", retry, retry.plus(OVERLAP));

        assertThat(sink.sealedSecretsAt(retry)).containsExactly("v1:c", "v1:b", "v1:a");
        assertThat(sink.sealedSecretsAt(retry.plus(OVERLAP).minusMillis(1))).containsExactly("v1:c", "v1:b", "v1:a");
        assertThat(sink.sealedSecretsAt(retry.plus(OVERLAP))).containsExactly("v1:c");
    }

    @Test
    void aRotationAfterTheOverlapEndedKeepsOnlyTheSecretItReplaces() {
        Sink sink = Sink.webhook("hooks", "https://receiver.example/hook", "v1:a", null, null, T0);
        sink.rotateSecret("v1:b", T0, T0.plus(OVERLAP));

        Instant later = T0.plus(OVERLAP).plusSeconds(1);
        sink.rotateSecret("v1:c", later, later.plus(OVERLAP));

        assertThat(sink.sealedSecretsAt(later)).containsExactly("v1:c", "v1:b");
    }

    @Test
    void rotationsBeyondTheLimitDropTheOldestAndEndingTheOverlapLeavesTheNewSecretAlone() {
        Sink sink = Sink.webhook("hooks", "https://receiver.example/hook", "v1:0", null, null, T0);
        for (int i = 1; i <= 6; i++) {
            Instant now = T0.plusSeconds(i);
            sink.rotateSecret("v1:" + i, now, now.plus(OVERLAP));
        }
        assertThat(sink.sealedSecretsAt(T0.plusSeconds(6)))
                .containsExactly("v1:6", "v1:5", "v1:4", "v1:3", "v1:2").hasSize(1 + Sink.MAX_RETIRED_SECRETS);

        Instant leaked = T0.plusSeconds(7);
        sink.rotateSecret("v1:7", leaked, leaked);
        assertThat(sink.sealedSecretsAt(leaked)).containsExactly("v1:7");
        assertThat(sink.sealedSecretsAt(leaked.plus(OVERLAP))).containsExactly("v1:7");
    }

    @Test
    void asManySealedSecretsAsKeepSigningFitTheirColumn() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Sealer sealer = new Sealer(key);
        List<String> sealed = new ArrayList<>();
        for (int i = 0; i < Sink.MAX_RETIRED_SECRETS; i++) {
            sealed.add(sealer.seal(WebhookSecrets.generate()));
        }
        assertThat(sealed).noneMatch(s -> s.contains(" "));
        int column = Sink.class.getDeclaredField("sealedPreviousSecret").getAnnotation(Column.class).length();
        assertThat(String.join(" ", sealed).length()).isLessThanOrEqualTo(column);
    }
}
