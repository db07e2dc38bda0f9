package org.tidings.delivery.entity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.UUID;

/**
 * One event for one subscription of a webhook sink: the event's body as it was accepted (a structured-mode JSON
 * CloudEvent), and who it is for.
 *
 * @param id the notification's id, the same for every attempt and every redelivery of this event to this
 *     subscription: it is the {@code webhook-id} receivers drop duplicates by
 * @param subject the event's subject, or its source if it has none
 * @param orderingKey the line this notification waits in, per sink: a fixed-size digest of the subject, so that the
 *     notifications of one sink and subject go in the order they were matched; or, for a sink whose notifications
 *     need no order (a purge sink, docs/adr/0014), the notification's own id, a line of its own
 */
public record Notification(String id, UUID sinkId, UUID subscriptionId, String subject, String eventSource,
        String eventId, byte[] body, String orderingKey) {

    /** A notification in its subject's line. */
    public Notification(String id, UUID sinkId, UUID subscriptionId, String subject, String eventSource,
            String eventId, byte[] body) {
        this(id, sinkId, subscriptionId, subject, eventSource, eventId, body, orderingKeyOf(subject));
    }

    /** The same notification as it is sent: its event with {@code tidingsseq} = {@code seq} (see {@link NumberedEvents}). */
    public Notification numbered(long seq) {
        return body == null ? this : new Notification(id, sinkId, subscriptionId, subject, eventSource, eventId,
                NumberedEvents.numbered(body, seq), orderingKey);
    }

    /** The same notification in a line of its own: nothing waits for it, and it waits for nothing. */
    public Notification unordered() {
        return new Notification(id, sinkId, subscriptionId, subject, eventSource, eventId, body, id);
    }

    /** The notification id of an event for a subscription: "msg_" and a name-based UUID, so it holds no dot. */
    public static String idOf(String source, String eventId, UUID subscriptionId) {
        return "msg_" + UUID.nameUUIDFromBytes((source + ' ' + eventId + ' ' + subscriptionId)
                .getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }

    /** A fixed-size key for the subject, so that an index on sink and subject stays small whatever the subject. */
    public static String orderingKeyOf(String subject) {
        return digest(subject);
    }

    /** A fixed-size key for an event's source and id, to find its deliveries by. */
    public static String eventKey(String source, String eventId) {
        return digest(source + ' ' + eventId);
    }

    private static String digest(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
