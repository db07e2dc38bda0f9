package org.tidings.platform;

/** Recognises failures that mean "the broker is not there" anywhere in a cause chain. */
final class BrokerFailures {

    private BrokerFailures() {
    }

    static boolean isBrokerFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String name = t.getClass().getName();
            if (name.startsWith("jakarta.jms.") || name.startsWith("jakarta.resource.")
                    || name.startsWith("org.apache.activemq.artemis.")
                    || name.equals("javax.transaction.xa.XAException")) {
                return true;
            }
        }
        return false;
    }
}
