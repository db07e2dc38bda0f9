package org.tidings.subscriptions.boundary;

import jakarta.ejb.Asynchronous;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.platform.BrokerSessions;
import org.tidings.subscriptions.entity.ChangeNotice;

/**
 * Publishes a committed provisioning change on the {@code tidings.changes} topic for the other instances. Called
 * once the changing transaction has committed, and asynchronously, on a thread of its own with no transaction:
 * the resource adapter would otherwise take the send for part of the completed transaction. Non-persistent: the
 * subscriptions to the topic are non-durable, and an instance that missed a notice reloads at start (issue 8 makes
 * this converge always).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ChangePublisher {

    public static final String KIND = "tidings_kind";
    public static final String ID = "tidings_id";

    private static final Logger LOG = Logger.getLogger(ChangePublisher.class.getName());

    @Inject
    BrokerSessions sessions;

    @Inject
    @ConfigProperty(name = "tidings.topic.changes", defaultValue = "tidings.changes")
    String topic;

    @Asynchronous
    public void publish(ChangeNotice notice) {
        try {
            sessions.transacted(session -> {
                var message = session.createMessage();
                message.setStringProperty(KIND, notice.kind().name());
                message.setStringProperty(ID, notice.id().toString());
                var producer = session.createProducer(session.createTopic(topic));
                producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
                producer.send(message);
            });
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.WARNING, "change notice {0} not published: {1}", new Object[] {notice, e.toString()});
        }
    }
}
