package org.tidings.ingest.entity;

/**
 * Where a queued event came from, as the broker tells it: the authenticated sender, and the JMS message and
 * correlation ids. A rejection record repeats them, so an operator (who may read tidings.rejected; a source's broker
 * account may not) finds the record of a sender's message: by correlation id when it set one (an AMQP source's
 * message id is not the one JMS consumers see), else by message id.
 *
 * @param validatedUser the broker-authenticated sender ({@code _AMQ_VALIDATED_USER}), or null
 * @param messageId the JMS message id, or null
 * @param correlationId the JMS correlation id the sender set, or null
 * @param admittedMark whether the message carries {@link #ADMITTED}: HTTP ingest counted it against its source's
 *                     quota already (believed only from the application's own broker account, docs/adr/0017)
 * @param redelivered whether the broker says it delivered this message before ({@code JMSRedelivered}): the duplicate
 *                    window tells by it whether a message without an id may have claimed its event itself
 *                    (docs/adr/0019)
 */
public record Provenance(String validatedUser, String messageId, String correlationId, boolean admittedMark,
        boolean redelivered) {

    /** The message property HTTP ingest sets on an event it counted against its source's quota. */
    public static final String ADMITTED = "tidings_admitted";

    /**
     * The message properties HTTP ingest sets for the broker's cap on queued events (docs/adr/0017): the source the
     * event is counted for, and its own cap if it has one. The broker plugin believes them from the application's
     * account only (jms-config, {@code QueuedEventsCap.SOURCE_KEY} and {@code MAX_QUEUED}).
     */
    public static final String QUEUE_SOURCE = "tidings_queue_source";
    public static final String MAX_QUEUED = "tidings_max_queued";

    /** An event that did not come through the broker (HTTP, checked before it was queued). */
    public static final Provenance NONE = new Provenance(null, null, null);

    public Provenance(String validatedUser, String messageId, String correlationId) {
        this(validatedUser, messageId, correlationId, false, false);
    }
}
