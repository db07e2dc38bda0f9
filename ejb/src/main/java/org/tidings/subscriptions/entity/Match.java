package org.tidings.subscriptions.entity;

import java.util.UUID;

/** One subscription an event matched, with the sink its notification goes to. */
public record Match(UUID subscriptionId, UUID sinkId) {
}
