package org.tidings.ingest.boundary;

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
import java.util.logging.Logger;
import org.tidings.ingest.control.CloudEventReader;
import org.tidings.ingest.control.Rejections;
import org.tidings.ingest.entity.Provenance;
import org.tidings.ingest.entity.RawEvent;
import org.tidings.platform.ListenerPause;
import org.tidings.platform.Resources;
import org.tidings.platform.SchemaReadiness;

/**
 * Consumes {@code tidings.events} through the Artemis resource adapter, outside any JTA transaction: the adapter
 * acknowledges the event after {@link #onMessage} returns, that is after its notifications were committed (docs/adr/0007).
 * Any failure propagates after a pause that grows with each attempt ({@link #pauseBefore}): the adapter rolls the
 * delivery back and the broker puts the event back at the head of the queue at once (tidings.events has no
 * redelivery delay, which would let the next event of its subject overtake it), up to its tenth attempt and then on
 * DLQ. A redelivered event that was forwarded before is recognised by the broker's duplicate detection, and an event
 * another message had accepted within {@code tidings.dedup.window} is acknowledged unmatched (docs/adr/0019).
 * Input that cannot be an event is recorded on {@code tidings.rejected} with its code instead, never redelivered:
 * an oversized body (its size is checked before Tidings reads it; the record keeps an excerpt), or a message that is
 * not a text or bytes message. The broker refuses at the send what this listener could not take at all: a message
 * over its size limit (the resource adapter reads a whole body before this runs) and an AMQP message it cannot
 * convert for this consumer (jms-config's UnconsumableEventsRefusal, docs/adr/0011).
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = Resources.RESOURCE_ADAPTER),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "${MPCONFIG=tidings.queue.events:tidings.events}"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "connectorClassName", propertyValue = Resources.CONNECTOR),
        @ActivationConfigProperty(propertyName = "connectionParameters", propertyValue = Resources.BROKER_ADDRESS),
        @ActivationConfigProperty(propertyName = "user", propertyValue = Resources.BROKER_USER),
        @ActivationConfigProperty(propertyName = "password", propertyValue = Resources.BROKER_PASSWORD),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "${MPCONFIG=tidings.ingest.consumers:8}"),
        @ActivationConfigProperty(propertyName = "setupAttempts", propertyValue = "-1"),
        @ActivationConfigProperty(propertyName = "setupInterval", propertyValue = "2000"),
        @ActivationConfigProperty(propertyName = "reconnectAttempts", propertyValue = "-1"),
        @ActivationConfigProperty(propertyName = "retryInterval", propertyValue = "1000")})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class EventsListener implements MessageListener {

    private static final Logger LOG = Logger.getLogger(EventsListener.class.getName());
    private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(60);
    /** broker.xml's max-delivery-attempts: a delivery with this number that fails goes to DLQ. */
    static final int LAST_ATTEMPT = 10;
    /** Where Artemis keeps the id an AMQP sender gave a message ({@code FilterConstants.NATIVE_MESSAGE_ID}). */
    static final String AMQP_MESSAGE_ID = "NATIVE_MESSAGE_ID";

    @EJB
    Intake intake;

    /** Waited for once per instance: no message is handled before the schema is migrated (and repaired). */
    @Inject
    SchemaReadiness schema;

    private boolean schemaReady;

    @Inject
    Rejections rejections;

    @Inject
    CloudEventReader reader;

    @Override
    public void onMessage(Message message) {
        try {
            awaitSchema();
            handle(message);
        } catch (RuntimeException | Error e) {
            // an Error too (an OutOfMemoryError while a body is read): without the pause it would be redelivered
            // at once, ten times in a row, and dead-lettered within milliseconds (tidings.events has no delay)
            int attempt = deliveryCount(message);
            Duration pause = pauseBefore(attempt);
            LOG.warning(() -> attempt >= LAST_ATTEMPT ? "event not handled on its last attempt, it goes to DLQ: " + e
                    : "event not handled, it comes again after " + pause.toMillis() + " ms: " + e);
            ListenerPause.pause(pause);
            throw e;
        }
    }

    /** Returns once SchemaMigration and the directories have started ({@link SchemaReadiness}). */
    private void awaitSchema() {
        if (!schemaReady) {
            schema.await();
            schemaReady = true;
        }
    }

    /**
     * The pause before a failed delivery goes back, by the delivery's number (1 for the first): 500 ms doubling up to
     * 60 s, the schedule the broker's redelivery delay had; none after the last attempt ({@value #LAST_ATTEMPT},
     * broker.xml's {@code max-delivery-attempts}), which goes to DLQ whatever the wait. The ten attempts span about
     * three minutes, as they did with the broker's delay.
     */
    static Duration pauseBefore(int deliveryCount) {
        if (deliveryCount >= LAST_ATTEMPT) {
            return Duration.ZERO;
        }
        int doublings = Math.min(Math.max(deliveryCount, 1) - 1, 16);
        Duration pause = FIRST_PAUSE.multipliedBy(1L << doublings);
        return pause.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause;
    }

    private static int deliveryCount(Message message) {
        try {
            return message.getIntProperty("JMSXDeliveryCount");
        } catch (JMSException | RuntimeException e) {
            return 1;
        }
    }

    /**
     * The id that names this message on every delivery of it: the duplicate window tells a redelivery from a copy by
     * it (docs/adr/0019), and a rejection record carries it. For a message an AMQP sender gave an id, that id as the
     * broker keeps it ({@value #AMQP_MESSAGE_ID}): Artemis converts an AMQP message for a core consumer again on every
     * delivery, and gives it a new random JMS message id each time unless the AMQP id is a UUID (2.44.0
     * {@code AmqpCoreConverter.processProperties}, called from {@code AMQPMessage.toCore} per delivery), so its
     * redelivery would look like another message. Else the JMS message id, which a core message keeps (its user id).
     */
    static String messageIdOf(Message message) throws JMSException {
        // any sender may set a property of this name, of any type: only a text is an id, nothing else fails the message
        return propertyOf(message, AMQP_MESSAGE_ID) instanceof String amqp ? amqp : message.getJMSMessageID();
    }

    /** A property as it is, or null if the message has none or it cannot be read. */
    private static Object propertyOf(Message message, String name) {
        try {
            return message.getObjectProperty(name);
        } catch (JMSException | RuntimeException unreadable) {
            return null;
        }
    }

    private void handle(Message message) {
        try {
            Provenance from = new Provenance(message.getStringProperty("_AMQ_VALIDATED_USER"),
                    messageIdOf(message), message.getJMSCorrelationID(),
                    message.propertyExists(Provenance.ADMITTED), message.getJMSRedelivered());
            if (message instanceof TextMessage text) {
                onText(text.getText(), from);
            } else if (message instanceof BytesMessage bytes) {
                onBytes(bytes, from);
            } else {
                rejections.rejectedKind(message, from, "a " + Rejections.kind(message) + " message: events come as "
                        + "text or bytes messages holding a structured-mode CloudEvent");
            }
        } catch (JMSException e) {
            throw new IllegalStateException("unreadable message " + e.getMessage(), e);
        }
    }

    /**
     * A text body longer in characters than the byte limit is longer in UTF-8 too: refused without encoding it
     * whole. An oversized text is recorded as an excerpt of whole characters that fits {@link Rejections#EXCERPT_BYTES}.
     */
    private void onText(String text, Provenance from) {
        long size = text == null ? 0 : text.length() > reader.maxBytes() ? utf8Length(text) : -1;
        RawEvent raw = null;
        if (size < 0) {
            raw = RawEvent.ofText(text, from);
            size = raw.body().length;
        }
        if (size > reader.maxBytes()) {
            int end = Math.min(text.length(), Rejections.EXCERPT_BYTES / 4);
            if (Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            rejections.rejectedOversized(RawEvent.ofText(text.substring(0, end), from), size, tooLarge(size));
            return;
        }
        intake.process(raw != null ? raw : RawEvent.ofText(text, from));
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    /** The size is known before the body is read: an oversized body is never copied whole. */
    private void onBytes(BytesMessage message, Provenance from) throws JMSException {
        long size = message.getBodyLength();
        if (size > reader.maxBytes()) {
            byte[] excerpt = new byte[(int) Math.min(size, Rejections.EXCERPT_BYTES)];
            message.readBytes(excerpt);
            rejections.rejectedOversized(RawEvent.ofBytes(excerpt, from), size, tooLarge(size));
            return;
        }
        byte[] body = new byte[(int) size];
        message.readBytes(body);
        intake.process(RawEvent.ofBytes(body, from));
    }

    private String tooLarge(long size) {
        return "event has " + size + " bytes; the limit is " + reader.maxBytes();
    }
}
