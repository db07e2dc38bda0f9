package org.tidings.platform;

/**
 * Reads what a broker failure means from its cause chain. The Artemis client classes live in the resource
 * adapter, not in the application, so they are recognised by name.
 */
final class BrokerOutcomes {

    /** Artemis's {@code ActiveMQDuplicateIdException}: a transaction held a message whose duplicate id it had. */
    private static final String DUPLICATE_ID = "org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException";

    /** Artemis's {@code ActiveMQAddressFullException}, which Tidings' broker plugin QueuedEventsCap raises. */
    private static final String ADDRESS_FULL = "org.apache.activemq.artemis.api.core.ActiveMQAddressFullException";
    /** How that plugin's refusal starts (jms-config, {@code QueuedEventsCap.REFUSAL}). */
    private static final String QUEUED_CAP = "tidings-queued-cap";

    private BrokerOutcomes() {
    }

    /** True when the broker refused a transaction because it had already accepted one of its messages. */
    static boolean isDuplicateRejected(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().equals(DUPLICATE_ID)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the broker refused a message because its sender (for HTTP ingest: its source) has as many events
     * queued as its cap allows (docs/adr/0017); the whole transaction was rolled back.
     */
    static boolean isQueuedCapReached(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().equals(ADDRESS_FULL) && String.valueOf(t.getMessage()).contains(QUEUED_CAP)) {
                return true;
            }
        }
        return false;
    }
}
