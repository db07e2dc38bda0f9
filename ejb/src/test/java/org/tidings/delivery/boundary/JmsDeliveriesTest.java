package org.tidings.delivery.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.boundary.JmsDeliveries.JmsDelivery;
import org.tidings.ingest.control.AcceptanceStore.Recorded;

/** How an event's record in the duplicate window is shown as its JMS deliveries (RUP-11). */
class JmsDeliveriesTest {

    private static final UUID MAIL = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID CALENDAR = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    private static final UUID MAIL_SINK = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    private static final Instant AT = Instant.parse("2026-12-05T03:00:00Z");

    @Test
    void aStandingClaimIsForwardedAndAReleasedOneRetryingEachBySubscriptionWithItsSinkIfItStillHasOne() {
        var numbers = Map.of(CALENDAR, 7L, MAIL, 3L);
        assertThat(JmsDeliveries.listed(new Recorded(AT, false, numbers), Map.of(MAIL, MAIL_SINK))).containsExactly(
                new JmsDelivery(MAIL_SINK, MAIL, 3, "forwarded", AT),
                new JmsDelivery(null, CALENDAR, 7, "forwarded", AT));
        assertThat(JmsDeliveries.listed(new Recorded(AT, true, numbers), Map.of(MAIL, MAIL_SINK)))
                .extracting(JmsDelivery::status).containsExactly("retrying", "retrying");
        assertThat(JmsDeliveries.listed(new Recorded(AT, false, Map.of()), Map.of())).isEmpty();
    }
}
