package org.tidings.subscriptions.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;

/** The Idempotency-Key a batch may carry: 1 to 255 printable ASCII characters, else invalid-request. */
class IdempotencyKeyTest {

    @Test
    void printableAsciiKeysUpTo255CharactersAreTaken() {
        String uuid = UUID.randomUUID().toString();
        assertThat(SubscriptionsResource.checkedKey(uuid)).isEqualTo(uuid);
        assertThat(SubscriptionsResource.checkedKey("k".repeat(255))).hasSize(255);
        assertThat(SubscriptionsResource.checkedKey(" ~!\"")).isEqualTo(" ~!\"");
    }

    @Test
    void emptyLongOrNonAsciiKeysAreInvalidRequests() {
        for (String key : new String[] {"", "k".repeat(256), "tab\there", "caf\u00e9", "nul\u0000", "del\u007f"}) {
            assertThatThrownBy(() -> SubscriptionsResource.checkedKey(key)).as("%s", key)
                    .isInstanceOfSatisfying(TidingsException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
        }
    }
}
