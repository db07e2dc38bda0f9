package org.tidings.delivery.entity;

/** Where one notification to a sink that Tidings delivers itself (webhook, purge, pull) stands. */
public enum DeliveryStatus {
    /** The sink answered 2xx. */
    DELIVERED,
    /** Not delivered yet: waiting for its next attempt, for an earlier notification of its subject, or for the sink. */
    WAITING,
    /**
     * An attempt is under way, held until {@code next_attempt_at} (the holder's lease). A first attempt: numbered and
     * recorded before it was sent, so the attempt carries its sequence number; the dispatcher that sends it records
     * the outcome, and if it dies first, the redelivered message takes the record over. Or a retry
     * ({@link Delivery#retrying()}), which no redelivery takes over. Once the lease has passed the retry worker parks
     * it ({@link Delivery#LEASE_RAN_OUT}) and sends it in its place.
     */
    SENDING,
    /**
     * A pull notification stored in its subscription's feed, waiting for the receiver's ack because its event asked
     * for acks (docs/adr/0015); never attempted or retried by Tidings. Pending until acknowledged, or until retention
     * deletes its feed entry: then it is {@link #DISCARDED}, never acknowledged.
     */
    PENDING,
    /** Every attempt of the sink's schedule failed, or the target was refused; kept until redriven or discarded. */
    DEAD,
    /**
     * Given up, kept without its body as the record that it was never delivered: a dead letter the operator
     * discarded (or discarded with its sink), or a pending pull notification whose feed entry retention deleted
     * before it was acknowledged ({@link Delivery#UNACKNOWLEDGED_ANSWER} as its last answer). Final: a later ack
     * does not change it.
     */
    DISCARDED
}
