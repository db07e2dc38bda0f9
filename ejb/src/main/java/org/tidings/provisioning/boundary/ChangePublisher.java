package org.tidings.provisioning.boundary;

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
import org.tidings.provisioning.entity.ChangeNotice;

/**
 * Publishes a committed provisioning change on the {@code tidings.changes} topic for the other instances. Called
 * once the changing transaction has committed, and asynchronously, on a thread of its own with no transaction:
 * the resource adapter would otherwise take the send for part of the completed transaction. Non-persistent and
 * best effort: the notice is only the fast path, an instance that misses it catches up from the change log
 * (docs/adr/0010).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ChangePublisher {

    public static final String GENERATION = "tidings_generation";

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
                message.setLongProperty(GENERATION, notice.generation());
                var producer = session.createProducer(session.createTopic(topic));
                producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
                producer.send(message);
            });
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.WARNING, "change notice {0} not published: {1}", new Object[] {notice, e.toString()});
        }
    }
}
