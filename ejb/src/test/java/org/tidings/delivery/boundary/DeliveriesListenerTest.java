package org.tidings.delivery.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What on the deliveries queue is no notification: recorded on tidings.rejected by the listener, never thrown, so never
 * redelivered for ever.
 */
class DeliveriesListenerTest {

    private static final String SINK = UUID.randomUUID().toString();
    private static final String SUBSCRIPTION = UUID.randomUUID().toString();

    @Test
    void aNotificationAsSinkQueuesSendsItIsNotMalformed() {
        assertThat(DeliveriesListener.malformation(true, SINK, SUBSCRIPTION, "https://store.example", "e-1",
                "mailto:ann@example.com")).isNull();
    }

    @Test
    void whatWouldThrowOrFailTheInsertIsNamed() {
        assertThat(DeliveriesListener.malformation(false, SINK, SUBSCRIPTION, "s", "i", "x"))
                .isEqualTo("neither text nor bytes");
        assertThat(DeliveriesListener.malformation(true, "not-a-uuid", SUBSCRIPTION, "s", "i", "x"))
                .isEqualTo("no sink or subscription id");
        assertThat(DeliveriesListener.malformation(true, SINK, "zzzz", "s", "i", "x"))
                .isEqualTo("no sink or subscription id");
        assertThat(DeliveriesListener.malformation(true, SINK, null, "s", "i", "x"))
                .isEqualTo("no sink or subscription id");
        assertThat(DeliveriesListener.malformation(true, SINK, SUBSCRIPTION, "s", "i", null))
                .isEqualTo("no event source, id or subject");
        assertThat(DeliveriesListener.malformation(true, SINK, SUBSCRIPTION, null, "i", "x"))
                .isEqualTo("no event source, id or subject");
        assertThat(DeliveriesListener.malformation(true, SINK, SUBSCRIPTION, "s", null, "x"))
                .isEqualTo("no event source, id or subject");
    }
}
