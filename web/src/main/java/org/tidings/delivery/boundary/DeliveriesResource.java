package org.tidings.delivery.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.tidings.delivery.entity.Delivery;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.platform.security.Callers;
import org.tidings.sources.boundary.SourceDirectory;

/**
 * What became of an accepted event at each sink it was matched for (propagation feedback, RUP-11): for an
 * administrator, of any event; for a source, of its own events only (the origin sees how far its update got).
 */
@RolesAllowed({"viewer", "source"})
@Path("api/deliveries")
@Produces(MediaType.APPLICATION_JSON)
public class DeliveriesResource {

    /**
     * One notification's delivery: status is sending, delivered, waiting (retrying when attempts > 0), dead,
     * discarded (a dead letter given up, or a pull notification never acknowledged: {@code lastAnswer} says which), or
     * pending (a pull notification waiting for the receiver's ack); {@code seq} is its sequence number;
     * {@code nextAttemptAt} is when a waiting one is due, or null while it waits behind an earlier notification of its
     * subject (it is due once that one is done). A JMS sink's notification is listed from its event's record in the
     * duplicate window ({@link JmsDeliveries}): status forwarded (to the sink's queue, where its consumers take it) or
     * retrying (its forward failed and waits for the broker's redelivery of the event), with its subscription, sink and
     * sequence number ({@code tidings_seq} on the message), no position, notification id, subject or attempts, and
     * the time of its event's claim as both times. A webhook, purge or pull notification the ledger does not hold yet
     * is listed from the same record: status queued (sent to the deliveries queue with its event's forward, not yet
     * taken by the dispatcher) or retrying (as a JMS one), with its subscription and sink only, and the claim's time.
     */
    public record DeliveryView(Long position, String notificationId, UUID sinkId, UUID subscriptionId, Long seq,
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

        /** The last answer of a dead letter whose event its subscriber may no longer see ({@link #withheld}). */
        static final String WITHHELD = "withheld: the see grants of this sink's subscriber no longer cover this "
                + "event, so its subject, source, id and last answer are not shown (docs/adr/0022)";

        /**
         * A dead letter as its subscriber sees it once its see grants no longer cover the event: where it stands and
         * when, not what it was about (subject, source, id), and in place of the last answer (a receiver's may quote
         * the event) why it is withheld.
         */
        public DeliveryView withheld() {
            return new DeliveryView(position, notificationId, sinkId, subscriptionId, seq, null, null, null, status,
                    attempts, nextAttemptAt, lastStatus, WITHHELD, createdAt, updatedAt);
        }

        /**
         * What a source sees of a delivery of its own event: where it went, its status, attempts and times; not
         * the receiver's answer, the next attempt, the sequence number (which counts every source's notifications
         * to that subscription) or the ledger's position (which counts every notification recorded in between).
         */
        DeliveryView seenBySource() {
            return new DeliveryView(null, notificationId, sinkId, subscriptionId, null, subject, eventSource,
                    eventId, status, attempts, null, null, null, createdAt, updatedAt);
        }

        static DeliveryView of(JmsDeliveries.JmsDelivery d, String source, String id) {
            return new DeliveryView(null, null, d.sinkId(), d.subscriptionId(), d.seq(), null, source, id, d.status(),
                    0, null, null, null, d.claimedAt(), d.claimedAt());
        }

        static DeliveryView of(JmsDeliveries.Dispatch d, String source, String id) {
            return new DeliveryView(null, null, d.sinkId(), d.subscriptionId(), null, null, source, id, d.status(), 0,
                    null, null, null, d.claimedAt(), d.claimedAt());
        }
    }

    @EJB
    DeliveryLedger ledger;

    @EJB
    JmsDeliveries jms;

    @Inject
    SourceDirectory sources;

    @Context
    HttpServletRequest request;

    /**
     * The deliveries of the event with this source and id: those Tidings makes itself (webhook, purge, pull) in the
     * order they were recorded, then those it has not recorded yet and its JMS notifications, each by subscription.
     */
    @GET
    public List<DeliveryView> ofEvent(@QueryParam("source") @NotBlank String source,
            @QueryParam("id") @NotBlank String id) {
        UUID speaker = Callers.speaker(request);
        List<DeliveryView> all = all(source, id, speaker);
        return speaker == null ? all : all.stream().map(DeliveryView::seenBySource).toList();
    }

    private List<DeliveryView> all(String source, String id, UUID speaker) {
        if (speaker != null) {
            // the same answer for another provisioned source and for none: a source's token learns nothing of others
            String key = sources.resolved(source);
            if (key == null || !key.equals(sources.resolvedOf(speaker))) {
                throw new TidingsException(ErrorCode.NOT_AUTHORIZED, "this token speaks for another source than "
                        + source + ": a source sees the deliveries of its own events only");
            }
        }
        // the record first: a notification the dispatcher records after the ledger was read is then still listed
        JmsDeliveries.EventRecord record = jms.ofEvent(source, id);
        String spelled = record.eventSource() != null ? record.eventSource() : source; // as the ledger's rows say it
        List<Delivery> recorded = new ArrayList<>(ledger.ofEvent(source, id));
        if (!spelled.equals(source)) { // rows of an earlier acceptance may name the spelling asked with
            recorded.addAll(ledger.ofEvent(spelled, id));
            recorded.sort(Comparator.comparing(Delivery::position));
        }
        Set<UUID> inLedger = recorded.stream().map(Delivery::subscriptionId).collect(Collectors.toSet());
        return Stream.of(recorded.stream().map(DeliveryView::of),
                record.dispatched().stream().filter(d -> !inLedger.contains(d.subscriptionId()))
                        .map(d -> DeliveryView.of(d, spelled, id)),
                record.jms().stream().map(d -> DeliveryView.of(d, source, id)))
                .flatMap(views -> views).toList();
    }
}
