package org.tidings.sinks.entity;

/** How notifications reach a sink. More channels (webhook, cache purge, pull) arrive with their issues. */
public enum Channel {
    /** A durable Artemis queue of its own, {@code tidings.sink.<sink id>}, read by the sink. */
    JMS
}
