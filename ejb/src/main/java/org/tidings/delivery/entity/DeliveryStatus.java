package org.tidings.delivery.entity;

/** Where one notification to a webhook sink stands. */
public enum DeliveryStatus {
    /** The sink answered 2xx. */
    DELIVERED,
    /** Not delivered yet: waiting for its next attempt, for an earlier notification of its subject, or for the sink. */
    WAITING,
    /** Every attempt of the sink's schedule failed, or the target was refused; kept until redriven or discarded. */
    DEAD,
    /** A dead letter the operator discarded: kept, without its body, as the record that it was never delivered. */
    DISCARDED
}
