package org.tidings.ingest.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Map;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPStandardMessage;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.junit.jupiter.api.Test;

/** The stamp on messages as the broker holds them: core ones, and AMQP ones as a core consumer (Tidings) sees them. */
class ValidatedUserStampTest {

    private static final String SENDER = Message.HDR_VALIDATED_USER.toString();

    private final ValidatedUserStamp stamp = new ValidatedUserStamp();

    @Test
    void anAmqpMessageCarriesItsSessionsUserToACoreConsumer() {
        Message message = amqp(Map.of());

        stamp.beforeSend(sessionOf("mail-store"), null, message, false, false);

        assertThat(message.toCore().getStringProperty(SENDER)).isEqualTo("mail-store");
    }

    @Test
    void anAmqpClientsClaimIsReplaced() {
        Message message = amqp(Map.of(SENDER, "tidings"));

        stamp.beforeSend(sessionOf("mail-store"), null, message, false, false);

        assertThat(message.toCore().getStringProperty(SENDER)).isEqualTo("mail-store");
    }

    @Test
    void aClaimOfAnotherTypeIsReplacedToo() {
        Message message = amqp(Map.of(SENDER, 42L));

        stamp.beforeSend(sessionOf("mail-store"), null, message, false, false);

        assertThat(message.toCore().getStringProperty(SENDER)).isEqualTo("mail-store");
    }

    @Test
    void aClaimWithoutAnAuthenticatedUserIsRemoved() {
        Message amqp = amqp(Map.of(SENDER, "tidings"));
        Message core = new CoreMessage(1, 100).putStringProperty(SENDER, "tidings");

        stamp.beforeSend(sessionOf(null), null, amqp, false, false);
        stamp.beforeSend(sessionOf(null), null, core, false, false);

        assertThat(amqp.toCore().getStringProperty(SENDER)).isNull();
        assertThat(core.getStringProperty(SENDER)).isNull();
    }

    @Test
    void aDuplicateIdBecomesItsSendersOwnSoThatNoOtherSenderCanOccupyIt() {
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
    void aCoreMessageIsStampedAsTheBrokerItselfWould() {
        Message claimed = new CoreMessage(1, 100).putStringProperty(SENDER, "tidings");
        Message plain = new CoreMessage(2, 100);

        stamp.beforeSend(sessionOf("mail-store"), null, claimed, false, false);
        stamp.beforeSend(sessionOf("mail-store"), null, plain, false, false);

        assertThat(claimed.getStringProperty(SENDER)).isEqualTo("mail-store");
        assertThat(plain.getStringProperty(SENDER)).isEqualTo("mail-store");
    }

    /** An AMQP message as it arrives: encoded by the client, with these application properties. */
    private static Message amqp(Map<String, Object> properties) {
        var proton = org.apache.qpid.proton.message.Message.Factory.create();
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
