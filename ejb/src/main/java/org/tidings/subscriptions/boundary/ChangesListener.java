package org.tidings.subscriptions.boundary;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import java.util.UUID;
import org.tidings.platform.Resources;
import org.tidings.subscriptions.control.ChangeNotices;
import org.tidings.subscriptions.entity.ChangeNotice;

/**
 * Every instance's non-durable subscription to {@code tidings.changes}: applies other instances' provisioning
 * changes to this instance's in-memory views. One session keeps notices in order. An instance that was down
 * misses notices by design: it loads the whole index from the database when it starts.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = Resources.RESOURCE_ADAPTER),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "${MPCONFIG=tidings.topic.changes:tidings.changes}"),
        @ActivationConfigProperty(propertyName = "subscriptionDurability", propertyValue = "NonDurable"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "connectorClassName", propertyValue = Resources.CONNECTOR),
        @ActivationConfigProperty(propertyName = "connectionParameters", propertyValue = Resources.BROKER_ADDRESS),
        @ActivationConfigProperty(propertyName = "user", propertyValue = Resources.BROKER_USER),
        @ActivationConfigProperty(propertyName = "password", propertyValue = Resources.BROKER_PASSWORD),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "1"),
        @ActivationConfigProperty(propertyName = "setupAttempts", propertyValue = "-1"),
        @ActivationConfigProperty(propertyName = "setupInterval", propertyValue = "2000"),
        @ActivationConfigProperty(propertyName = "reconnectAttempts", propertyValue = "-1"),
        @ActivationConfigProperty(propertyName = "retryInterval", propertyValue = "1000")})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ChangesListener implements MessageListener {

    @Inject
    ChangeNotices notices;

    @Override
    public void onMessage(Message message) {
        try {
            notices.apply(new ChangeNotice(
                    ChangeNotice.Kind.valueOf(message.getStringProperty(ChangePublisher.KIND)),
                    UUID.fromString(message.getStringProperty(ChangePublisher.ID))));
        } catch (JMSException e) {
            throw new IllegalStateException("unreadable change notice", e);
        }
    }
}
