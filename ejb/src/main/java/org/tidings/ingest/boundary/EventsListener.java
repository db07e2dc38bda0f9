package org.tidings.ingest.boundary;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import org.tidings.ingest.entity.RawEvent;
import org.tidings.platform.Resources;

/**
 * Consumes {@code tidings.events} through the Artemis resource adapter. Any failure propagates: the
 * transaction rolls back and the broker's redelivery policy (broker.xml) takes over.
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
public class EventsListener implements MessageListener {

    @EJB
    Intake intake;

    @Override
    public void onMessage(Message message) {
        try {
            intake.process(new RawEvent(body(message), message instanceof TextMessage,
                    message.getStringProperty("_AMQ_VALIDATED_USER"), message.getJMSMessageID()));
        } catch (JMSException e) {
            throw new IllegalStateException("unreadable message " + e.getMessage(), e);
        }
    }

    private static byte[] body(Message message) throws JMSException {
        if (message instanceof TextMessage text) {
            String body = text.getText();
            return body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        }
        if (message instanceof BytesMessage bytes) {
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            return body;
        }
        return new byte[0];
    }
}
