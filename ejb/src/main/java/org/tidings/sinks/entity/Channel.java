package org.tidings.sinks.entity;

/** How notifications reach a sink. */
public enum Channel {
    /** A durable Artemis queue of its own, {@code tidings.sink.<sink id>}, read by the sink. */
    JMS,
    /** A signed HTTP POST to the sink's URL per notification (Standard Webhooks), retried until answered 2xx. */
    WEBHOOK,
    /** Cache invalidation: PURGE (or BAN) requests to the sink's cache servers for what the event names (RUP-1). */
    PURGE,
    /**
     * Client-initiated: each subscription's notifications are kept in a feed with gap-free sequence numbers, read
     * over HTTP (long-poll or server-sent events) from the receiver's last position (RUP-2, RUP-13).
     */
    PULL
}
