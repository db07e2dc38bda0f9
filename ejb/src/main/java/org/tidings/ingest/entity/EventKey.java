package org.tidings.ingest.entity;

import io.cloudevents.CloudEvent;
import java.util.UUID;

/**
 * What makes an event the same event: its CloudEvents {@code source} and {@code id} (the spec: "source + id is
 * unique for each distinct event"). The broker's duplicate detection ({@value #DUPLICATE_ID_PROPERTY}) is keyed
 * on it: on {@code tidings.events} as {@code "<source> <id>"} (a source URI holds no space, so the first space
 * separates the two), on a sink's queue with the subscription's id after one more space.
 */
public record EventKey(String source, String id) {

    /** The broker's duplicate-id message property (Artemis {@code Message.HDR_DUPLICATE_DETECTION_ID}). */
    public static final String DUPLICATE_ID_PROPERTY = "_AMQ_DUPL_ID";

    public static EventKey of(CloudEvent event) {
        return new EventKey(event.getSource().toString(), event.getId());
    }

    /** The duplicate id of the event on the events queue: a resent event is dropped by the broker. */
    public String duplicateId() {
        return source + ' ' + id;
    }

    /** The duplicate id of this event's notification for one subscription: forwarded at most once. */
    public String notificationDuplicateId(UUID subscriptionId) {
        return source + ' ' + id + ' ' + subscriptionId;
    }

    /**
     * The duplicate id of a notification that carries a sequence number recorded with the event's acceptance
     * (docs/adr/0019): forwarded at most once per acceptance.
     */
    public String notificationDuplicateId(UUID subscriptionId, long sequenceNumber) {
        return notificationDuplicateId(subscriptionId) + ' ' + sequenceNumber;
    }
}
