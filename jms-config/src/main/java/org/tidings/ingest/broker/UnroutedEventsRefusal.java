package org.tidings.ingest.broker;

import java.util.Map;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQNonExistentQueueException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;

/**
 * Runs inside the broker (broker.xml, {@code <broker-plugins>}, before {@link QueuedEventsCap}): refuses a message
 * to the events address (and its sub-addresses {@code <address>.*}) that would reach no queue there, so that its
 * sender learns it was not accepted. Without it Artemis accepts such a message and drops it
 * (PostOfficeImpl.route: {@code RoutingStatus.NO_BINDINGS}, and no dead-letter address unless
 * {@code send-to-dla-on-no-route}): a JMS sender asks whether the queue exists before it sends and is refused by its
 * own client, but a CORE, AMQP, STOMP or MQTT sender is told that its event was accepted. That happens when an
 * operator deletes the events queue (or gives it a filter the event does not pass) and keeps the address.
 * <p>
 * The refusal is an {@link ActiveMQNonExistentQueueException} whose text starts with {@value #REFUSAL}; the sender's
 * transaction, if any, can only roll back, and nothing of the message stays ({@link RoutingRefusal}). Before the
 * queue cap in broker.xml, so that a refused message is never counted. Property: {@code address} (default
 * {@code tidings.events}).
 */
public class UnroutedEventsRefusal implements ActiveMQServerPlugin {

    /** How a refusal's text starts, so that a client can tell it from other failures. */
    public static final String REFUSAL = "tidings-no-events-queue";

    private volatile SimpleString address = SimpleString.of("tidings.events");
    private volatile SimpleString subAddresses = SimpleString.of("tidings.events.");
    private volatile ActiveMQServer server;

    @Override
    public void init(Map<String, String> properties) {
        String named = properties.getOrDefault("address", "tidings.events");
        address = SimpleString.of(named);
        subAddresses = SimpleString.of(named + ".");
    }

    @Override
    public void registered(ActiveMQServer server) {
        this.server = server;
    }

    /**
     * Called by the broker after it chose the message's queues and before it routes it: no queue chosen is what
     * {@code NO_BINDINGS} means there (the routing context is cleared when none was found).
     */
    @Override
    public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates)
            throws ActiveMQException {
        SimpleString target = context.getAddress(message);
        if (target == null || context.getQueueCount() > 0 || !(target.equals(address) || target.startsWith(subAddresses))) {
            return;
        }
        ActiveMQException refused = new ActiveMQNonExistentQueueException(REFUSAL + ": the address " + target
                + " has no queue this message would reach; it was not accepted, send it again once the queue exists");
        RoutingRefusal.refuse(server, message, context, rejectDuplicates, refused);
        throw refused;
    }
}
