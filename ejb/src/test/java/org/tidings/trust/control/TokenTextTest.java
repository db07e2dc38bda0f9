package org.tidings.trust.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenTextTest {

    @Test
    void aNewTokenHas256RandomBitsAfterItsPrefixAndIsNeverRepeated() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String token = TokenText.generate();
            assertThat(token).matches("tdg_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}");
            assertThat(TokenText.plausible(token)).isTrue();
            assertThat(seen.add(token)).isTrue();
        }
    }

    @Test
    void thePrefixIsTheMarkAndEightCharactersAndNoMoreOfTheSecret() {
        String token = TokenText.generate();
        assertThat(TokenText.prefix(token)).hasSize(12).isEqualTo(token.substring(0, 12));
        assertThat(token.substring(13)).doesNotContain(TokenText.prefix(token).substring(4));
    }

    /** A configured token (TIDINGS_ADMIN_TOKEN) is secret from its first character: lists show none of it. */
    @Test
    void theListedPrefixOfATokenNotMadeHereHoldsNoneOfItsText() {
        String configured = "0123456789abcdefghijklmnopqrstuvwxyz";
        assertThat(TokenText.prefix(configured)).isEqualTo("(configured)");
        assertThat(configured).doesNotContain(TokenText.prefix(configured));
        assertThat(TokenText.prefix("tdg_" + configured)).as("our mark without our form").isEqualTo("(configured)");
        assertThat(TokenText.prefix("short")).isEqualTo("(configured)");
    }

    @Test
    void theHashIsTheSha256OfTheTextInHex() {
        assertThat(TokenText.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(TokenText.hash("abd")).isNotEqualTo(TokenText.hash("abc"));
    }

    @Test
    void textWithSpacesControlOrNonAsciiCharactersOrTooLongIsNoToken() {
        assertThat(TokenText.plausible(null)).isFalse();
        assertThat(TokenText.plausible("")).isFalse();
        assertThat(TokenText.plausible("a b")).isFalse();
        assertThat(TokenText.plausible("a\u0000b")).isFalse();
        assertThat(TokenText.plausible("caf\u00e9")).isFalse();
        assertThat(TokenText.plausible("a".repeat(TokenText.MAX_LENGTH + 1))).isFalse();
        assertThat(TokenText.plausible("a".repeat(TokenText.MAX_LENGTH))).isTrue();
    }
}
