package org.tidings.ingest.boundary;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;
import org.tidings.ingest.entity.RawEvent;
import org.tidings.platform.Resources;

/**
 * Consumes {@code tidings.events} through the Artemis resource adapter, outside any JTA transaction: the adapter
 * acknowledges the event after {@link #onMessage} returns, that is after its notifications were committed (docs/adr/0007).
 * Any failure propagates: the adapter rolls the delivery back and the broker's redelivery policy (broker.xml)
 * takes over; a redelivered event that was forwarded before is recognised by the broker's duplicate detection.
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

    @EJB
    Intake intake;

    @Override
    public void onMessage(Message message) {
        try {
            String sender = message.getStringProperty("_AMQ_VALIDATED_USER");
            String messageId = message.getJMSMessageID();
            if (message instanceof TextMessage text) {
                intake.process(RawEvent.ofText(text.getText(), sender, messageId));
            } else if (message instanceof BytesMessage bytes) {
                byte[] body = new byte[(int) bytes.getBodyLength()];
                bytes.readBytes(body);
                intake.process(RawEvent.ofBytes(body, sender, messageId));
            } else {
                intake.process(RawEvent.ofBytes(new byte[0], sender, messageId));
            }
        } catch (JMSException e) {
            throw new IllegalStateException("unreadable message " + e.getMessage(), e);
        }
    }
}
