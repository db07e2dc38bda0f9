package org.tidings.subscriptions.entity;

import java.util.UUID;

/**
 * One subscription an event matched, with the sink its notification goes to and the subscriber that owns it (null:
 * the administrators'), whose grants decide whether it may see the event.
 */
public record Match(UUID subscriptionId, UUID sinkId, UUID ownerId) {

    public Match(UUID subscriptionId, UUID sinkId) {
        this(subscriptionId, sinkId, null);
    }
}
