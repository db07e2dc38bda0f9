package org.tidings.ingest.entity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AcceptanceKeyTest {

    @Test
    void theSameSourceAndIdMakeTheSameKey() {
        assertThat(AcceptanceKey.of("https://mail.example.com/store", "42"))
                .isEqualTo(AcceptanceKey.of("https://mail.example.com/store", "42"))
                .hasSameHashCodeAs(AcceptanceKey.of("https://mail.example.com/store", "42"));
    }

    @Test
    void anotherSourceOrAnotherIdMakesAnotherKey() {
        var key = AcceptanceKey.of("https://mail.example.com/store", "42");
        assertThat(AcceptanceKey.of("https://mail.example.com/other", "42")).isNotEqualTo(key);
        assertThat(AcceptanceKey.of("https://mail.example.com/store", "43")).isNotEqualTo(key);
        // a source holds no space: the first space separates source and id, so the pair is not ambiguous
        assertThat(AcceptanceKey.of("urn:a", "b c")).isNotEqualTo(AcceptanceKey.of("urn:ab", "c"));
    }

    @Test
    void everyKeyIs32BytesWhateverTheLengths() {
        assertThat(AcceptanceKey.of("urn:x", "1").bytes()).hasSize(32);
        assertThat(AcceptanceKey.of("https://example.com/" + "s".repeat(8192), "i".repeat(1024)).bytes()).hasSize(32);
    }

    @Test
    void bytesAreACopy() {
        var key = AcceptanceKey.of("urn:x", "1");
        key.bytes()[0] ^= 1;
        assertThat(key).isEqualTo(AcceptanceKey.of("urn:x", "1"));
    }

    @Test
    void aClaimantIsTheMessageIdUnlessItIsLongerThanTheColumn() {
        assertThat(AcceptanceKey.claimant(null)).isNull();
        assertThat(AcceptanceKey.claimant("ID:0b1c")).isEqualTo("ID:0b1c");
        String longId = "ID:AMQP_STRING:" + "x".repeat(300);
        assertThat(AcceptanceKey.claimant(longId)).startsWith("sha256:").hasSize(7 + 64)
                .isEqualTo(AcceptanceKey.claimant(longId)).isNotEqualTo(AcceptanceKey.claimant(longId + "y"));
    }

    @Test
    void aClaimantHoldingANulIsItsDigestAndAnyOtherCharacterIsKept() {
        assertThat(AcceptanceKey.claimant("ID:m\u00001")).startsWith("sha256:").hasSize(7 + 64)
                .isEqualTo(AcceptanceKey.claimant("ID:m\u00001")).isNotEqualTo(AcceptanceKey.claimant("ID:m\u00002"));
        for (String kept : new String[] {"ID:tab\there", "ID:\u0085", "ID:lone\ud800", "ID:AMQP_STRING:caf\u00e9"}) {
            assertThat(AcceptanceKey.claimant(kept)).as("stored as before").isEqualTo(kept);
        }
    }
}
