package org.tidings.sinks.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import java.util.UUID;
import org.tidings.platform.BrokerAccounts;
import org.tidings.platform.BrokerManagement;

/**
 * Who may read a subscriber's JMS sink queue on the broker (docs/adr/0021): the roles broker.xml gives every
 * {@code tidings.sink.#} queue, and the owning subscriber's own role, which only its broker user has. The setting is
 * the queue's own (an exact match), so it replaces broker.xml's for this queue alone: it repeats broker.xml's roles,
 * and must change with them.
 */
@ApplicationScoped
public class SinkQueueAccess {

    private static final String APP = "tidings-app,tidings-admin";
    private static final String READERS = "tidings-app,tidings-sink,tidings-admin";

    @Inject
    BrokerManagement management;

    /** The owner's broker user may consume and browse the queue, and nothing more. */
    public void grant(String queue, UUID owner) throws JMSException {
        String readers = READERS + "," + BrokerAccounts.subscriberUser(owner);
        management.addSecuritySettings(queue, new BrokerManagement.Permissions(APP, readers, APP, APP, "", "", "",
                readers, APP, APP));
    }

    /** The queue's own setting is removed: broker.xml's apply to it again. */
    public void withdraw(String queue) throws JMSException {
        management.removeSecuritySettings(queue);
    }
}
