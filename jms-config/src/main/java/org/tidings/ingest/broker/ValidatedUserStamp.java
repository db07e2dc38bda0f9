package org.tidings.ingest.broker;

import java.nio.charset.StandardCharsets;
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
 * It also scopes a message's duplicate id ({@code _AMQ_DUPL_ID}) by that user, before the broker's duplicate
 * detection reads it (ServerSessionImpl.send calls the plugins before routing): otherwise one sender could send, first,
 * a message with the duplicate id another sender will use (HTTP ingest's is derived from the event's source and id),
 * and the broker would drop the real one as a duplicate of a message Tidings refused (docs/adr/0021). A sender's own
 * retries keep one scoped id, so the broker still drops those.
 * <p>
 * broker.xml's {@code <broker-plugin>} takes only an {@code ActiveMQServerPlugin} (the interface of every plugin
 * hook, each a default no-op); only {@code beforeSend} is implemented.
 */
public class ValidatedUserStamp implements ActiveMQServerPlugin {

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct,
                           boolean noAutoCreateQueue) {
        String user = session.getValidatedUser();
        Object duplicateId = message.getObjectProperty(Message.HDR_DUPLICATE_DETECTION_ID);
        boolean stamped = Objects.equals(user, message.getObjectProperty(Message.HDR_VALIDATED_USER));
        if (stamped && duplicateId == null) {
            return;
        }
        message.messageChanged();
        if (duplicateId != null) {
            message.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, scoped(user, duplicateId));
        }
        if (stamped) {
            return;
        }
        if (user == null) {
            message.removeProperty(Message.HDR_VALIDATED_USER);
        } else {
            message.putStringProperty(Message.HDR_VALIDATED_USER, user);
        }
    }

    /** The duplicate id as the sender's own: its user's length and name before it, so no two senders share one. */
    static String scoped(String user, Object duplicateId) {
        String id = duplicateId instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : String.valueOf(duplicateId);
        String owner = user == null ? "" : user;
        return owner.length() + ":" + owner + ":" + id;
    }
}
