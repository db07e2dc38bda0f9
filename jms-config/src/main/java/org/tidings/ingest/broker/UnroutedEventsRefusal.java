package org.tidings.ingest.broker;

import java.util.Map;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQNonExistentQueueException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.postoffice.BindingType;
import org.apache.activemq.artemis.core.postoffice.Bindings;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * Runs inside the broker (broker.xml, {@code <broker-plugins>}, before {@link QueuedEventsCap}): refuses a message
 * to the events address (and its sub-addresses {@code <address>.*}) that would reach no queue there, so that its
 * sender learns it was not accepted. Without it Artemis accepts such a message and drops it
 * (PostOfficeImpl.route: {@code RoutingStatus.NO_BINDINGS}, and no dead-letter address unless
 * {@code send-to-dla-on-no-route}). That happens to every protocol's sender when an operator disables the events
 * queue (or gives it a filter the event does not pass), and to a CORE sender that names no routing type when the
 * queue is deleted and the address kept (Artemis refuses the others then: the anycast queue does not exist). A
 * sender that waits for no answer (a CORE send without confirmation, a presettled AMQP transfer, MQTT QoS 0) still
 * learns nothing, and the broker logs each refusal.
 * <p>
 * The refusal is an {@link ActiveMQNonExistentQueueException} whose text starts with {@value #REFUSAL}; the sender's
 * transaction, if any, can only roll back, and nothing of the message stays ({@link RoutingRefusal}). Before the
 * queue cap in broker.xml, so that a refused message is never counted. Property: {@code address} (default
 * {@code tidings.events}).
 */
public class UnroutedEventsRefusal implements ActiveMQServerPlugin {

    /** How a refusal's text starts, so that a client can tell it from other failures. */
    public static final String REFUSAL = "tidings-no-events-queue";

    private volatile EventsAddress events = EventsAddress.DEFAULT;
    private volatile ActiveMQServer server;

    @Override
    public void init(Map<String, String> properties) {
        events = EventsAddress.of(properties);
    }

    @Override
    public void registered(ActiveMQServer server) {
        this.server = server;
    }

    /**
     * Called by the broker after it chose the message's queues and before it routes it: no queue chosen means that
     * none would store it. In Artemis 2.44.0 that is an address without queues ({@code NO_BINDINGS}: the routing
     * context is cleared), and also one whose queues all refuse it: a filter it does not pass, a disabled queue, or
     * {@code purge-on-no-consumers} with no consumer (routed "OK" to nothing). Left alone: a message an operator's
     * divert on the address took (the copy is routed in a context of its own), a mirror's, and an address whose
     * settings send unrouted messages to a dead-letter address ({@code send-to-dla-on-no-route}): those are kept.
     */
    @Override
    public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates)
            throws ActiveMQException {
        SimpleString target = context.getAddress(message);
        if (context.getQueueCount() > 0 || !events.covers(target) || context.getMirrorSource() != null
                || keptAnyway(target)) {
            return;
        }
        ActiveMQException refused = new ActiveMQNonExistentQueueException(REFUSAL + ": the address " + target
                + " has no queue this message would reach; it was not accepted, send it again once the queue exists");
        RoutingRefusal.refuse(server, message, context, rejectDuplicates, refused);
        throw refused;
    }

    /** Whether the broker keeps a message that no queue of this address takes: a divert, or a dead-letter address. */
    private boolean keptAnyway(SimpleString target) throws ActiveMQException {
        ActiveMQServer broker = server;
        if (broker == null) {
            return false;
        }
        AddressSettings settings = broker.getAddressSettingsRepository().getMatch(target.toString());
        if (settings != null && settings.isSendToDLAOnNoRoute() && settings.getDeadLetterAddress() != null) {
            return true;
        }
        try {
            Bindings bindings = broker.getPostOffice().lookupBindingsForAddress(target);
            return bindings != null && bindings.getBindings().stream()
                    .anyMatch(binding -> binding.getType() == BindingType.DIVERT);
        } catch (Exception e) {
            throw new ActiveMQException("the bindings of " + target + " could not be read: " + e);
        }
    }
}
