package org.tidings.ingest.broker;

import java.util.Map;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;

/**
 * Runs inside the broker (broker.xml, {@code <broker-plugins>}, first of the events address's plugins): refuses a
 * message to the events address (and its sub-addresses {@code <address>.*}) that Tidings' consumers could not take,
 * so that its sender learns it was not accepted, instead of the broker accepting what then harms every source
 * (docs/adr/0011; a hostile review found both):
 * <ul>
 *   <li><b>Too large</b>: over {@code max-bytes} (default 4 MiB, sixteen times Tidings' own default limit of an
 *   event, {@code tidings.ingest.max-event-bytes}, whose refusals below this size stay rejection records). Tidings
 *   would not read the body of such an event, but the resource adapter reads every message's whole body into memory
 *   before Tidings' listener runs (ActiveMQMessageHandler.onMessage calls doBeforeReceive, which for a text or bytes
 *   message reads a large message's whole body), and the broker copies an AMQP one whole on each conversion: one
 *   message of a gigabyte took the instance's heap.</li>
 *   <li><b>Not convertible</b>: a message of another protocol (AMQP) that the broker cannot convert for a core
 *   consumer, such as an application property of a type the core message has not (an AMQP timestamp or uuid), or a
 *   map body holding one. Artemis 2.44.0 converts when it delivers, and a conversion that throws fails the consumer:
 *   the broker closes it (QueueImpl.proceedDeliver, ServerConsumerImpl.failed), the resource adapter does not open it
 *   again, and the message goes back to the queue with its delivery count, so each delivery took away one of
 *   Tidings' consumers until none was left. Converted here once, as it will be for delivery; a failure is a
 *   refusal.</li>
 * </ul>
 * A refusal is an {@link ActiveMQException} whose text starts with {@value #TOO_LARGE} or {@value #UNCONVERTIBLE};
 * the sender's transaction, if any, can only roll back, and nothing of the message stays ({@link RoutingRefusal}).
 * It runs in {@code beforeMessageRoute}, after the message is whole (a large message's last part received) and before
 * any reference to it is made. Properties: {@code address} (default {@code tidings.events}), {@code max-bytes}.
 */
public class UnconsumableEventsRefusal implements ActiveMQServerPlugin {

    /** How the refusal of a message over the size limit starts. */
    public static final String TOO_LARGE = "tidings-message-too-large";
    /** How the refusal of a message the broker cannot convert for Tidings starts. */
    public static final String UNCONVERTIBLE = "tidings-unconvertible-message";

    private volatile EventsAddress events = EventsAddress.DEFAULT;
    private volatile long maxBytes = 4L * 1024 * 1024;
    private volatile ActiveMQServer server;

    @Override
    public void init(Map<String, String> properties) {
        events = EventsAddress.of(properties);
        long max = Long.parseLong(properties.getOrDefault("max-bytes", String.valueOf(4L * 1024 * 1024)));
        if (max < 1024) {
            throw new IllegalArgumentException("max-bytes must be at least 1024, not " + max);
        }
        maxBytes = max;
    }

    @Override
    public void registered(ActiveMQServer server) {
        this.server = server;
    }

    @Override
    public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates)
            throws ActiveMQException {
        if (!events.covers(context.getAddress(message)) || context.getMirrorSource() != null) {
            return;
        }
        ActiveMQException refused = refusal(message);
        if (refused != null) {
            RoutingRefusal.refuse(server, message, context, rejectDuplicates, refused);
            throw refused;
        }
    }

    /**
     * Why Tidings' consumers could not take the message, or null if they can. A compressed message (a CORE client's
     * {@code compressLargeMessages}) is refused whatever its size: the broker holds it deflated, and the client that
     * consumes it inflates it whole, a thousandfold for repetitive text, so its stored size bounds nothing (a review
     * found a 4 MiB one would become gigabytes). Tidings itself never compresses.
     */
    ActiveMQException refusal(Message message) {
        long size = message.getWholeMessageSize();
        if (size < 0 || size > maxBytes) {
            return new ActiveMQException(ActiveMQExceptionType.GENERIC_EXCEPTION, TOO_LARGE + ": the message has "
                    + (size < 0 ? "a size that cannot be read" : size + " bytes") + ", more than the " + maxBytes
                    + " this address takes; it was not accepted");
        }
        if (message instanceof ICoreMessage core && core.getBooleanProperty(Message.HDR_LARGE_COMPRESSED)) {
            return new ActiveMQException(ActiveMQExceptionType.GENERIC_EXCEPTION, TOO_LARGE + ": the message is "
                    + "compressed, and its size once inflated is not known before a consumer reads it whole; send it "
                    + "uncompressed; it was not accepted");
        }
        if (message instanceof ICoreMessage) {
            return null;
        }
        try {
            message.toCore();
            return null;
        } catch (RuntimeException | StackOverflowError e) {
            // StackOverflowError: a value nested deep enough (proton-j decodes lists and maps by recursion); the
            // broker would log it, skip this plugin and accept the message, and each delivery would fail again
            // the broker's own words, without its stack: which property or entry of which type it could not convert
            return new ActiveMQException(ActiveMQExceptionType.GENERIC_EXCEPTION, UNCONVERTIBLE + ": the broker "
                    + "cannot convert this " + message.getProtocolName() + " message for Tidings (" + shortened(e)
                    + "); use only the property and body types of a JMS message; it was not accepted");
        }
    }

    /** The failure's text, at most 200 characters of it (it may quote a property's name, which the sender chose). */
    private static String shortened(Throwable e) {
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
