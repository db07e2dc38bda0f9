package org.tidings.delivery.boundary;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.logging.Logger;
import org.tidings.delivery.control.SinkQueues;
import org.tidings.delivery.entity.Notification;
import org.tidings.ingest.control.Rejections;
import org.tidings.ingest.entity.Provenance;
import org.tidings.platform.ListenerPause;
import org.tidings.platform.Resources;
import org.tidings.platform.SchemaReadiness;

/**
 * Consumes {@code tidings.deliver}, the notifications for webhook sinks, outside any JTA transaction like the events
 * listener (docs/adr/0007): the adapter acknowledges a notification after {@link #onMessage} returns, that is after
 * its outcome was committed to the delivery ledger, or, for an attempt that outlasts the consumer's hold or goes to a
 * slow sink, after its row was committed {@code SENDING} (docs/adr/0012). A failure (the database is down) propagates
 * after a pause, and the broker redelivers the notification at once, ahead of the later ones of its subject.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = Resources.RESOURCE_ADAPTER),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "${MPCONFIG=tidings.queue.deliver:tidings.deliver}"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "connectorClassName", propertyValue = Resources.CONNECTOR),
        @ActivationConfigProperty(propertyName = "connectionParameters", propertyValue = Resources.BROKER_ADDRESS),
        @ActivationConfigProperty(propertyName = "user", propertyValue = Resources.BROKER_USER),
        @ActivationConfigProperty(propertyName = "password", propertyValue = Resources.BROKER_PASSWORD),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "${MPCONFIG=tidings.delivery.consumers:8}"),
        // No prefetch: a consumer stuck in a slow receiver's call holds no other notification in its buffer, and a
        // new group goes to a consumer that is free.
        @ActivationConfigProperty(propertyName = "consumerWindowSize", propertyValue = "0"),
        @ActivationConfigProperty(propertyName = "setupAttempts", propertyValue = "-1"),
        @ActivationConfigProperty(propertyName = "setupInterval", propertyValue = "2000"),
        @ActivationConfigProperty(propertyName = "reconnectAttempts", propertyValue = "-1"),
        @ActivationConfigProperty(propertyName = "retryInterval", propertyValue = "1000")})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DeliveriesListener implements MessageListener {

    @EJB
    Dispatcher dispatcher;

    /** Waited for once per instance: no message is handled before the schema is migrated (and repaired). */
    @Inject
    SchemaReadiness schema;

    private boolean schemaReady;

    @Inject
    Rejections rejections;

    private static final Logger LOG = Logger.getLogger(DeliveriesListener.class.getName());
    /** Before a failed notification goes back (ListenerPause): the attempts are a second apart. */
    private static final Duration PAUSE = Duration.ofSeconds(1);

    @Override
    public void onMessage(Message message) {
        try {
            awaitSchema();
        } catch (RuntimeException e) {
            LOG.warning(() -> "notification not handled before the schema is ready, it comes again: " + e);
            ListenerPause.pause(PAUSE);
            throw e;
        }
        try {
            String malformed = malformation(message instanceof TextMessage || message instanceof BytesMessage,
                    message.getStringProperty(SinkQueues.SINK_PROPERTY),
                    message.getStringProperty(SinkQueues.SUBSCRIPTION_PROPERTY),
                    message.getStringProperty(SinkQueues.EVENT_SOURCE_PROPERTY),
                    message.getStringProperty(SinkQueues.EVENT_ID_PROPERTY),
                    message.getStringProperty(SinkQueues.SUBJECT_PROPERTY));
            if (malformed != null) {
                // Only Tidings may send here (broker.xml); anything else is recorded, not redelivered for ever.
                rejections.rejectedKind(message, new Provenance(message.getStringProperty("_AMQ_VALIDATED_USER"),
                        message.getJMSMessageID(), message.getJMSCorrelationID()),
                        "not a notification (" + malformed + "): only Tidings puts notifications on the deliveries "
                        + "queue");
                return;
            }
            String source = message.getStringProperty(SinkQueues.EVENT_SOURCE_PROPERTY);
            String id = message.getStringProperty(SinkQueues.EVENT_ID_PROPERTY);
            UUID subscription = UUID.fromString(message.getStringProperty(SinkQueues.SUBSCRIPTION_PROPERTY));
            byte[] body;
            if (message instanceof TextMessage text) {
                body = text.getText().getBytes(StandardCharsets.UTF_8);
            } else {
                var bytes = (BytesMessage) message;
                body = new byte[(int) bytes.getBodyLength()];
                bytes.readBytes(body);
            }
            var inLine = new Notification(Notification.idOf(source, id, subscription),
                    UUID.fromString(message.getStringProperty(SinkQueues.SINK_PROPERTY)), subscription,
                    message.getStringProperty(SinkQueues.SUBJECT_PROPERTY), source, id, body);
            var notification = message.propertyExists(SinkQueues.UNORDERED_PROPERTY)
                    && message.getBooleanProperty(SinkQueues.UNORDERED_PROPERTY) ? inLine.unordered() : inLine;
            try {
                dispatcher.dispatch(notification);
            } catch (RuntimeException e) {
                LOG.warning(() -> "notification " + notification.id() + " not handled, it comes again: " + e);
                ListenerPause.pause(PAUSE);
                throw e;
            }
        } catch (JMSException e) {
            throw new IllegalStateException("unreadable notification " + e.getMessage(), e);
        }
    }

    /**
     * What makes a message on the deliveries queue no notification, or null if nothing does: a text or bytes body,
     * the sink and subscription as UUIDs, the event's source and id, and its subject. A review found a malformed UUID
     * or a missing subject thrown from here, outside any pause, and the message redelivered at once, for ever, holding
     * its group; a missing source or id failed the insert once a second, for ever.
     */
    static String malformation(boolean readableBody, String sink, String subscription, String source, String id,
            String subject) {
        if (!readableBody) {
            return "neither text nor bytes";
        }
        if (!isUuid(sink) || !isUuid(subscription)) {
            return "no sink or subscription id";
        }
        if (source == null || id == null || subject == null) {
            return "no event source, id or subject";
        }
        return null;
    }

    private static boolean isUuid(String text) {
        if (text == null) {
            return false;
        }
        try {
            UUID.fromString(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Returns once SchemaMigration and the directories have started ({@link SchemaReadiness}). */
    private void awaitSchema() {
        if (!schemaReady) {
            schema.await();
            schemaReady = true;
        }
    }
}
