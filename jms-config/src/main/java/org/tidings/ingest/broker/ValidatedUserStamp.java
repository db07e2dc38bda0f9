package org.tidings.ingest.broker;

import java.util.Objects;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * Runs inside the broker (broker.xml, {@code <broker-plugins>}): writes the user the sending connection
 * authenticated as on every message, as {@code _AMQ_VALIDATED_USER}, over whatever the client put there, whatever
 * the protocol. Tidings decides who sent an event from that property alone (docs/adr/0021).
 * <p>
 * Artemis 2.44.0 does this itself for core messages (CORE, STOMP and MQTT senders: {@code populate-validated-user}
 * in {@code ServerSessionImpl.doSend}), but not for AMQP ones: {@code AMQPMessage} keeps {@code Message}'s no-op
 * {@code setValidatedUserID}, so an AMQP event reached Tidings with no sender, or with the sender an AMQP client
 * wrote into an application property of that name, which the conversion for a JMS consumer turns into the very
 * property the broker would have set. Artemis' own JMSXUserIDPluginTest stamps AMQP messages the same way.
 * <p>
 * broker.xml's {@code <broker-plugin>} takes only an {@code ActiveMQServerPlugin} (the interface of every plugin
 * hook, each a default no-op); only {@code beforeSend} is implemented.
 */
public class ValidatedUserStamp implements ActiveMQServerPlugin {

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct,
                           boolean noAutoCreateQueue) {
        String user = session.getValidatedUser();
        if (Objects.equals(user, message.getObjectProperty(Message.HDR_VALIDATED_USER))) {
            return;
        }
        message.messageChanged();
        if (user == null) {
            message.removeProperty(Message.HDR_VALIDATED_USER);
        } else {
            message.putStringProperty(Message.HDR_VALIDATED_USER, user);
        }
    }
}
