package org.tidings.delivery.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.boundary.JmsDeliveries.Dispatch;
import org.tidings.delivery.boundary.JmsDeliveries.JmsDelivery;
import org.tidings.ingest.control.AcceptanceStore.Recorded;
import org.tidings.ingest.entity.Dispatched;

/** How an event's record in the duplicate window is shown as its deliveries the ledger does not hold (RUP-11). */
class JmsDeliveriesTest {

    private static final UUID MAIL = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID CALENDAR = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    private static final UUID MAIL_SINK = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    private static final Instant AT = Instant.parse("2026-12-05T03:00:00Z");

    @Test
    void aStandingClaimIsForwardedAndAReleasedOneRetryingEachBySubscriptionWithItsSinkIfItStillHasOne() {
        var numbers = Map.of(CALENDAR, 7L, MAIL, 3L);
        assertThat(JmsDeliveries.listed(new Recorded(AT, false, numbers, Dispatched.NONE), Map.of(MAIL, MAIL_SINK)))
                .containsExactly(new JmsDelivery(MAIL_SINK, MAIL, 3, "forwarded", AT),
                        new JmsDelivery(null, CALENDAR, 7, "forwarded", AT));
        assertThat(JmsDeliveries.listed(new Recorded(AT, true, numbers, Dispatched.NONE), Map.of(MAIL, MAIL_SINK)))
                .extracting(JmsDelivery::status).containsExactly("retrying", "retrying");
        assertThat(JmsDeliveries.listed(new Recorded(AT, false, Map.of(), Dispatched.NONE), Map.of())).isEmpty();
    }

    @Test
    void theNotificationsForTheDeliveriesQueueAreQueuedWhileTheClaimStandsUnderTheSourceAsTheEventSpelledIt() {
        var dispatched = Dispatched.of("HTTP://Mail.Example/store", List.of(CALENDAR, MAIL));
        var standing = JmsDeliveries.listed(new Recorded(AT, false, Map.of(), dispatched), true,
                Map.of(MAIL, MAIL_SINK));
        assertThat(standing.eventSource()).isEqualTo("HTTP://Mail.Example/store");
        assertThat(standing.dispatched()).containsExactly(new Dispatch(MAIL_SINK, MAIL, "queued", AT),
                new Dispatch(null, CALENDAR, "queued", AT));
        assertThat(standing.jms()).isEmpty();

        assertThat(JmsDeliveries.listed(new Recorded(AT, true, Map.of(CALENDAR, 2L), dispatched), true, Map.of())
                .dispatched()).extracting(Dispatch::status).containsExactly("retrying", "retrying");

        // older than the ledger's retention: its finished deliveries may be deleted, so none is listed as queued
        var old = JmsDeliveries.listed(new Recorded(AT, false, Map.of(CALENDAR, 2L), dispatched), false, Map.of());
        assertThat(old.dispatched()).isEmpty();
        assertThat(old.jms()).containsExactly(new JmsDelivery(null, CALENDAR, 2, "forwarded", AT));
    }
}
