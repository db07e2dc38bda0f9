package org.tidings.pull.entity;

import java.util.UUID;

/** A notification was committed to a pull subscription's feed as number {@code seq} (a CDI event). */
public record FeedAppended(UUID subscriptionId, long seq) {
}
