package org.tidings.delivery.boundary;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.delivery.control.SinkQueues;
import org.tidings.delivery.entity.Notification;
import org.tidings.platform.BrokerSessions;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;

/**
 * An event's notifications for the sinks Tidings delivers to itself (webhook, purge, pull) that were matched and wait
 * on {@code tidings.deliver} for their first attempt, before the ledger records them (propagation feedback, RUP-11):
 * the broker browses the queue for the event's properties, which every such notification carries (SinkQueues).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class QueuedDeliveries {

    /** At most this many are listed: an event has at most as many as its matches, a query no more than this. */
    public static final int LIMIT = 1000;

    private static final Logger LOG = Logger.getLogger(QueuedDeliveries.class.getName());

    @Inject
    BrokerSessions sessions;

    @Inject
    @ConfigProperty(name = "tidings.queue.deliver", defaultValue = "tidings.deliver")
    String deliverQueue;

    /** One waiting notification: its id (as the ledger will record it), where it goes, and when it was queued. */
    public record Queued(String notificationId, UUID sinkId, UUID subscriptionId, String subject, Instant queuedAt) {
    }

    /**
     * The notifications of the event with this source (as the event spelled it) and id that wait on the deliveries
     * queue, in the queue's order, at most {@value #LIMIT}; 503 broker-unavailable if the broker cannot be browsed.
     */
    public List<Queued> of(String source, String id) {
        List<Queued> queued = new ArrayList<>();
        try {
            sessions.transacted(session -> {
                try (QueueBrowser browser = session.createBrowser(session.createQueue(deliverQueue),
                        selector(source, id))) {
                    Enumeration<?> waiting = browser.getEnumeration();
                    while (queued.size() < LIMIT && waiting.hasMoreElements()) {
                        Queued one = queued((Message) waiting.nextElement(), source, id);
                        if (one != null) {
                            queued.add(one);
                        }
                    }
                }
            });
        } catch (JMSException | JMSRuntimeException e) {
            LOG.warning(() -> "the deliveries queue cannot be browsed: " + e);
            throw new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the notifications still queued cannot be "
                    + "listed: the message broker cannot be reached or refused the request; retry later", e);
        }
        return queued;
    }

    /** A JMS selector for the notifications of this event; its strings are quoted as JMS string literals. */
    static String selector(String source, String id) {
        return SinkQueues.EVENT_SOURCE_PROPERTY + " = " + literal(source) + " AND " + SinkQueues.EVENT_ID_PROPERTY
                + " = " + literal(id);
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static Queued queued(Message message, String source, String id) throws JMSException {
        String sink = message.getStringProperty(SinkQueues.SINK_PROPERTY);
        String subscription = message.getStringProperty(SinkQueues.SUBSCRIPTION_PROPERTY);
        if (sink == null || subscription == null) {
            return null; // not a notification (DeliveriesListener records it as rejected)
        }
        try {
            UUID subscriptionId = UUID.fromString(subscription);
            return new Queued(Notification.idOf(source, id, subscriptionId), UUID.fromString(sink), subscriptionId,
                    message.getStringProperty(SinkQueues.SUBJECT_PROPERTY),
                    Instant.ofEpochMilli(message.getJMSTimestamp()));
        } catch (IllegalArgumentException notAnId) {
            return null; // likewise
        }
    }
}
