package org.tidings.ingest.broker;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
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
 * The stamp alone does not hold for AMQP: the conversion for a core consumer (AmqpCoreConverter.toCore in 2.44.0)
 * applies the application properties, where the stamp is, and then the message's {@code properties} section, whose
 * {@code user-id} becomes {@code JMSXUserID} and so, through MessageUtil.setStringProperty, the validated user again.
 * A raw AMQP client may set any user-id (Qpid JMS clears it, so the JMS tests never sent one; a hostile review found
 * it). So a message whose user-id ({@code getObjectProperty("JMSXUserID")}, which an AMQP message answers with it) is
 * not the sending session's user is refused with an {@link ActiveMQSecurityException} whose text starts with
 * {@value #FORGED}; nothing of it was stored yet, and the sender's transaction, if any, can only roll back.
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

    /** How the refusal of a message naming another sender starts, so that a client can tell it from other failures. */
    public static final String FORGED = "tidings-forged-user";
    /** How the refusal of a message whose properties the broker could not read starts. */
    public static final String UNREADABLE = "tidings-unreadable-message";

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct,
                           boolean noAutoCreateQueue) throws ActiveMQSecurityException {
        try {
            stamped(session, tx, message);
        } catch (StackOverflowError | RuntimeException e) {
            // The broker logs and skips a plugin that throws anything but an ActiveMQException, and would accept the
            // message unstamped: refused instead (an AMQP property nested deep enough overflows proton-j's decoder).
            var refused = new ActiveMQSecurityException(UNREADABLE + ": the broker could not read this message's "
                    + "properties (" + e.getClass().getSimpleName() + "); it was not accepted");
            if (tx != null) {
                tx.markAsRollbackOnly(refused);
            }
            throw refused;
        }
    }

    private void stamped(ServerSession session, Transaction tx, Message message) throws ActiveMQSecurityException {
        String user = session.getValidatedUser();
        Object claimed = message.getObjectProperty(JMSX_USER_ID);
        if (claimed != null && !claimed.equals(user)) {
            var refused = new ActiveMQSecurityException(FORGED + ": the message's user-id is not the user this "
                    + "connection authenticated as; leave it out or set it to that user");
            if (tx != null) {
                tx.markAsRollbackOnly(refused);
            }
            throw refused;
        }
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

    private static final String JMSX_USER_ID = "JMSXUserID";

    /**
     * The duplicate id as the sender's own: its user's length and name before it, so no two senders share one. An id
     * of bytes that are UTF-8 text is that text (HTTP ingest's retries and a JMS client's string id are one id); other
     * bytes are written in hexadecimal after {@code #} instead of {@code :}, which no text id has there, so two of them
     * stay apart (decoded leniently, any two bytes that are not UTF-8 became the same replacement character, and the
     * broker dropped the second message as a duplicate of the first).
     */
    static String scoped(String user, Object duplicateId) {
        String owner = user == null ? "" : user;
        if (duplicateId instanceof byte[] bytes) {
            String text = utf8(bytes);
            return text == null ? owner.length() + "#" + owner + ":" + HexFormat.of().formatHex(bytes)
                    : owner.length() + ":" + owner + ":" + text;
        }
        return owner.length() + ":" + owner + ":" + duplicateId;
    }

    /** The bytes as UTF-8 text, or null if they are not that. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
