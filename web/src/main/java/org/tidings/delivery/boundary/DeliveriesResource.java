package org.tidings.delivery.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.tidings.delivery.entity.Delivery;

/** What became of an accepted event at each webhook sink it was matched for (propagation feedback, RUP-11). */
@RolesAllowed("viewer")
@Path("api/deliveries")
@Produces(MediaType.APPLICATION_JSON)
public class DeliveriesResource {

    /**
     * One notification's delivery: status is sending, delivered, waiting (retrying when attempts > 0), dead,
     * discarded (a dead letter given up, or a pull notification never acknowledged: {@code lastAnswer} says which), or
     * pending (a pull notification waiting for the receiver's ack); {@code seq} is its sequence number;
     * {@code nextAttemptAt} is when a waiting one is due, or null while it waits behind an earlier notification of its
     * subject (it is due once that one is done).
     */
    public record DeliveryView(long position, String notificationId, UUID sinkId, UUID subscriptionId, Long seq,
            String subject, String eventSource, String eventId, String status, int attempts, Instant nextAttemptAt,
            Integer lastStatus, String lastAnswer, Instant createdAt, Instant updatedAt) {
        public static DeliveryView of(Delivery d) {
            String status = d.status().name().toLowerCase(Locale.ROOT);
            if (status.equals("waiting") && d.attempts() > 0) {
                status = "retrying";
            }
            return new DeliveryView(d.position(), d.notificationId(), d.sinkId(), d.subscriptionId(), d.seq(),
                    d.subject(), d.eventSource(), d.eventId(), status, d.attempts(), d.nextAttemptAt(), d.lastStatus(),
                    d.lastAnswer(), d.createdAt(), d.updatedAt());
        }
    }

    @EJB
    DeliveryLedger ledger;

    /** The deliveries of the event with this source and id, in the order they were recorded. */
    @GET
    public List<DeliveryView> ofEvent(@QueryParam("source") @NotBlank String source,
            @QueryParam("id") @NotBlank String id) {
        return ledger.ofEvent(source, id).stream().map(DeliveryView::of).toList();
    }
}
