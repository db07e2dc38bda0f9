package org.tidings.ingest.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Map;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPStandardMessage;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.junit.jupiter.api.Test;

/** The stamp on messages as the broker holds them: core ones, and AMQP ones as a core consumer (Tidings) sees them. */
class ValidatedUserStampTest {

    private static final String SENDER = Message.HDR_VALIDATED_USER.toString();

    private final ValidatedUserStamp stamp = new ValidatedUserStamp();

    @Test
    void anAmqpMessageCarriesItsSessionsUserToACoreConsumer() throws Exception {
        Message message = amqp(Map.of());

        stamp.beforeSend(sessionOf("mail-store"), null, message, false, false);

        assertThat(message.toCore().getStringProperty(SENDER)).isEqualTo("mail-store");
    }

    @Test
    void anAmqpClientsClaimIsReplaced() throws Exception {
        Message message = amqp(Map.of(SENDER, "tidings"));

        stamp.beforeSend(sessionOf("mail-store"), null, message, false, false);

        assertThat(message.toCore().getStringProperty(SENDER)).isEqualTo("mail-store");
    }

    @Test
    void anAmqpMessageWhoseUserIdNamesAnotherUserIsRefusedForTheConversionWouldBelieveIt() throws Exception {
        Message forged = amqp(Map.of(), "tidings");

        assertThat(forged.toCore().getStringProperty(SENDER)).as("what a core consumer would read unrefused")
                .isEqualTo("tidings");
        assertThatThrownBy(() -> stamp.beforeSend(sessionOf("mail-store"), null, forged, false, false))
                .isInstanceOf(ActiveMQSecurityException.class).hasMessageStartingWith(ValidatedUserStamp.FORGED);
        assertThatThrownBy(() -> stamp.beforeSend(sessionOf(null), null, amqp(Map.of(), "tidings"), false, false))
                .isInstanceOf(ActiveMQSecurityException.class);
    }

    @Test
    void anAmqpMessageWhoseUserIdIsItsSendersOwnIsStamped() throws Exception {
        Message own = amqp(Map.of(SENDER, "tidings"), "mail-store"); // Qpid JMS with populateJMSXUserID

        stamp.beforeSend(sessionOf("mail-store"), null, own, false, false);

        assertThat(own.toCore().getStringProperty(SENDER)).isEqualTo("mail-store");
    }

    @Test
    void aMessageWhosePropertiesTheBrokerCannotReadIsRefusedNotLetThroughUnstamped() throws Exception {
        // application properties: a map32 of one entry, "k" -> lists nested 100,000 deep
        byte[] deep = UnconsumableEventsRefusalTest.nestedLists(100_000);
        var section = java.nio.ByteBuffer.allocate(3 + 9 + 3 + deep.length);
        section.put(new byte[] {0x00, 0x53, 0x74}).put((byte) 0xd1).putInt(4 + 3 + deep.length).putInt(2)
                .put(new byte[] {(byte) 0xa1, 0x01, 'k'}).put(deep);
        Message message = new AMQPStandardMessage(0, section.array(), null);
        Object outcome = UnconsumableEventsRefusalTest.onASmallStack(() -> {
            stamp.beforeSend(sessionOf("mail-store"), null, message, false, false);
            return "not refused";
        });

        assertThat(outcome).as("a refusal, not an Error the broker would log and skip, sending it unstamped")
                .isInstanceOfSatisfying(ActiveMQSecurityException.class,
                        e -> assertThat(e).hasMessageStartingWith(ValidatedUserStamp.UNREADABLE));
    }

    @Test
    void binaryDuplicateIdsThatAreNotTextStayApart() throws Exception {
        byte[] one = {0x01, (byte) 0x80};
        byte[] other = {0x01, (byte) 0x81};

        assertThat(ValidatedUserStamp.scoped("a", one)).isNotEqualTo(ValidatedUserStamp.scoped("a", other))
                .isEqualTo("1#a:0180");
        assertThat(ValidatedUserStamp.scoped("a", "0180")).isNotEqualTo(ValidatedUserStamp.scoped("a", one));
        assertThat(ValidatedUserStamp.scoped("a", "é".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isEqualTo(ValidatedUserStamp.scoped("a", "é"));
    }

    @Test
    void aClaimOfAnotherTypeIsReplacedToo() throws Exception {
        Message message = amqp(Map.of(SENDER, 42L));

        stamp.beforeSend(sessionOf("mail-store"), null, message, false, false);

        assertThat(message.toCore().getStringProperty(SENDER)).isEqualTo("mail-store");
    }

    @Test
    void aClaimWithoutAnAuthenticatedUserIsRemoved() throws Exception {
        Message amqp = amqp(Map.of(SENDER, "tidings"));
        Message core = new CoreMessage(1, 100).putStringProperty(SENDER, "tidings");

        stamp.beforeSend(sessionOf(null), null, amqp, false, false);
        stamp.beforeSend(sessionOf(null), null, core, false, false);

        assertThat(amqp.toCore().getStringProperty(SENDER)).isNull();
        assertThat(core.getStringProperty(SENDER)).isNull();
    }

    @Test
    void aDuplicateIdBecomesItsSendersOwnSoThatNoOtherSenderCanOccupyIt() throws Exception {
        String duplicate = Message.HDR_DUPLICATE_DETECTION_ID.toString();
        Message forged = new CoreMessage(1, 100).putStringProperty(duplicate, "https://victim/ 42");
        Message real = new CoreMessage(2, 100).putStringProperty(duplicate, "https://victim/ 42");
        Message retried = new CoreMessage(3, 100).putStringProperty(duplicate, "https://victim/ 42");
        Message bytes = new CoreMessage(4, 100).putBytesProperty(duplicate, "https://victim/ 42".getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        Message amqp = amqp(Map.of(duplicate, "https://victim/ 42"));

        stamp.beforeSend(sessionOf("mallory"), null, forged, false, false);
        stamp.beforeSend(sessionOf("tidings"), null, real, false, false);
        stamp.beforeSend(sessionOf("tidings"), null, retried, false, false);
        stamp.beforeSend(sessionOf("tidings"), null, bytes, false, false);
        stamp.beforeSend(sessionOf("a:1"), null, amqp, false, false);

        assertThat(forged.getDuplicateProperty()).isNotEqualTo(real.getDuplicateProperty());
        assertThat(String.valueOf(real.getDuplicateProperty())).isEqualTo("7:tidings:https://victim/ 42");
        assertThat(String.valueOf(retried.getDuplicateProperty())).isEqualTo(String.valueOf(real.getDuplicateProperty()));
        assertThat(String.valueOf(bytes.getDuplicateProperty())).isEqualTo(String.valueOf(real.getDuplicateProperty()));
        assertThat(amqp.toCore().getStringProperty(duplicate)).isEqualTo("3:a:1:https://victim/ 42");
        assertThat(ValidatedUserStamp.scoped("a", "b:c")).isNotEqualTo(ValidatedUserStamp.scoped("a:b", "c"));
    }

    @Test
    void aCoreMessageIsStampedAsTheBrokerItselfWould() throws Exception {
        Message claimed = new CoreMessage(1, 100).putStringProperty(SENDER, "tidings");
        Message plain = new CoreMessage(2, 100);

        stamp.beforeSend(sessionOf("mail-store"), null, claimed, false, false);
        stamp.beforeSend(sessionOf("mail-store"), null, plain, false, false);

        assertThat(claimed.getStringProperty(SENDER)).isEqualTo("mail-store");
        assertThat(plain.getStringProperty(SENDER)).isEqualTo("mail-store");
    }

    /** An AMQP message as it arrives: encoded by the client, with these application properties. */
    private static Message amqp(Map<String, Object> properties) {
        return amqp(properties, null);
    }

    /** An AMQP message as it arrives, its properties section's user-id set to {@code userId} unless that is null. */
    private static Message amqp(Map<String, Object> properties, String userId) {
        var proton = org.apache.qpid.proton.message.Message.Factory.create();
        if (userId != null) {
            var header = new Properties();
            header.setUserId(new Binary(userId.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            proton.setProperties(header);
        }
        proton.setApplicationProperties(new ApplicationProperties(Map.copyOf(properties)));
        proton.setBody(new AmqpValue("{\"specversion\":\"1.0\"}"));
        byte[] buffer = new byte[4096];
        int length = proton.encode(buffer, 0, buffer.length);
        return new AMQPStandardMessage(0, Arrays.copyOf(buffer, length), null);
    }

    /** A session whose authenticated user is {@code user}; nothing else of it is used. */
    private static ServerSession sessionOf(String user) {
        return (ServerSession) Proxy.newProxyInstance(ServerSession.class.getClassLoader(),
                new Class<?>[] {ServerSession.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getValidatedUser")) {
                        return user;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
