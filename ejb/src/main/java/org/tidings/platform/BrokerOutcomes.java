package org.tidings.platform;

/**
 * Reads what a broker failure means from its cause chain. The Artemis client classes live in the resource
 * adapter, not in the application, so they are recognised by name.
 */
final class BrokerOutcomes {

    /** Artemis's {@code ActiveMQDuplicateIdException}: a transaction held a message whose duplicate id it had. */
    private static final String DUPLICATE_ID = "org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException";

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
}
