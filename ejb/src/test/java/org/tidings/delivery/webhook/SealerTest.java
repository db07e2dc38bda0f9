package org.tidings.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SealerTest {

    private static final String SECRET = "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0";
    private final Sealer sealer = new Sealer(randomKey());

    @Test
    void opensWhatItSealed() {
        String sealed = sealer.seal(SECRET);

        assertThat(sealed).startsWith("v1:").doesNotContain(SECRET.substring(6));
        assertThat(sealer.open(sealed)).isEqualTo(SECRET);
        assertThat(sealer.open(sealer.seal(""))).isEmpty();
    }

    @Test
    void aValueSealedForAContextOpensForThatContextOnly() {
        String sealed = sealer.seal(SECRET, "sink 1 https://a.example/hook");

        assertThat(sealer.open(sealed, "sink 1 https://a.example/hook")).isEqualTo(SECRET);
        assertThatThrownBy(() -> sealer.open(sealed, "sink 2 https://a.example/hook"))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining(SECRET.substring(6));
        assertThatThrownBy(() -> sealer.open(sealed)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> sealer.open(sealer.seal(SECRET), "sink 1 https://a.example/hook"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFreshIvMakesEverySealDifferent() {
        assertThat(sealer.seal(SECRET)).isNotEqualTo(sealer.seal(SECRET));
    }

    @Test
    void refusesAnAlteredValueWithoutSayingWhatItHeld() {
        byte[] raw = Base64.getDecoder().decode(sealer.seal(SECRET).substring(3));
        for (int i = 0; i < raw.length; i++) {
            byte[] altered = raw.clone();
            altered[i] ^= 1;
            String tampered = "v1:" + Base64.getEncoder().encodeToString(altered);

            assertThatThrownBy(() -> sealer.open(tampered))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageNotContaining(SECRET.substring(6))
                    .hasMessageNotContaining(tampered.substring(3));
        }
    }

    @Test
    void refusesAnotherKey() {
        String sealed = sealer.seal(SECRET);

        assertThatThrownBy(() -> new Sealer(randomKey()).open(sealed)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesWhatItCannotHaveSealed() {
        for (String bad : new String[] {null, "", "v1:", "v2:" + sealer.seal(SECRET).substring(3), "v1:!!", "v1:AAAA",
                sealer.seal(SECRET).substring(0, 20)}) {
            assertThatThrownBy(() -> sealer.open(bad)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void wantsAThirtyTwoByteKey() {
        assertThatThrownBy(() -> new Sealer(new byte[16])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Sealer(null)).isInstanceOf(IllegalArgumentException.class);
    }

    static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
