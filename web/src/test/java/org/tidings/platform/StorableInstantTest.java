package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class StorableInstantTest {

    @Test
    void instantsWithinTheYearsOneTo9999PassAndOthersDoNot() {
        for (String ok : new String[] {"0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2026-12-05T12:00:00Z",
                "9999-12-31T23:59:59.999999Z"}) {
            assertThat(StorableInstant.Check.storable(Instant.parse(ok))).as(ok).isTrue();
        }
        assertThat(StorableInstant.Check.storable(null)).isTrue();
        // JSON-B reads all of these; PostgreSQL refuses the first two, OffsetDateTime the last
        for (String beyond : new String[] {"+300000-01-01T00:00:00Z", "-4714-01-01T00:00:00Z",
                "+10000-01-01T00:00:00Z", "+1000000000-12-31T23:59:59Z"}) {
            assertThat(StorableInstant.Check.storable(Instant.parse(beyond))).as(beyond).isFalse();
        }
    }
}
