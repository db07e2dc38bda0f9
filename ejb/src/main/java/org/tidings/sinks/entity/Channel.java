package org.tidings.sinks.entity;

/** How notifications reach a sink. More channels (cache purge, pull) arrive with their issues. */
public enum Channel {
    /** A durable Artemis queue of its own, {@code tidings.sink.<sink id>}, read by the sink. */
    JMS,
    /** A signed HTTP POST to the sink's URL per notification (Standard Webhooks), retried until answered 2xx. */
    WEBHOOK
}
