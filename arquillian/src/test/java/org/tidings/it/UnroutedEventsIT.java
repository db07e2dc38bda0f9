package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Message;
import org.junit.jupiter.api.Test;
import org.tidings.ingest.broker.UnroutedEventsRefusal;

/**
 * LEM-9, S2S-3: an events queue that an operator disabled (Artemis routes nothing to a disabled queue, and answers
 * the sender as if it had) refuses what a source sends to its address, over AMQP, STOMP and MQTT, instead of
 * acknowledging the event and dropping it: the broker plugin UnroutedEventsRefusal (docs/adr/0017), in the tests'
 * broker from jms-config's broker.xml. Once the queue is enabled again, the same clients are accepted, the AMQP event
 * with the duplicate id of its refused send. The broker alone takes part: no Tidings instance consumes this queue.
 * (A deleted queue is refused by Artemis itself to AMQP, STOMP with an anycast destination and MQTT; a CORE sender
 * that names no routing type is refused by the plugin: QueuedEventsCapTest.)
 */
class UnroutedEventsIT {

    private static final String QUEUE = "tidings.events.unrouted-it";
    private static final String DUPLICATE_ID = "unrouted-it-1";
    private static final long WAIT = 10_000;

    // covers LEM-9, S2S-3
    @Test
    void aSourceIsRefusedOverEveryProtocolWhileTheEventsQueueIsDisabled() throws Exception {
        TestEnvironment.createEventsQueue(QUEUE);
        String event = Events.json(Events.event(Events.uniqueSource(), "org.example.mail.MessageNew",
                "mailto:ann@example.com"));

        try (var disabled = TestEnvironment.disabled(QUEUE)) {
            try (var amqp = Messaging.asAmqpSource()) {
                assertThatThrownBy(() -> amqp.send(QUEUE, jms -> withDuplicateId(jms.createTextMessage(event))))
                        .as("AMQP").satisfies(refusal -> assertThat(Messaging.failureText(refusal))
                                .contains(UnroutedEventsRefusal.REFUSAL));
            }
            BrokerSenders.refusedOverStompAndMqtt(QUEUE, event);
            assertThat(TestEnvironment.messagesAdded(QUEUE)).isZero();
        }

        try (var amqp = Messaging.asAmqpSource()) {
            amqp.send(QUEUE, jms -> withDuplicateId(jms.createTextMessage(event)));
        }
        try (var mqtt = MqttPublisher.connect(TestEnvironment.SOURCE_USER, TestEnvironment.SOURCE_PASSWORD)) {
            assertThat(mqtt.publish(QUEUE.replace('.', '/'), event)).as("MQTT, the queue enabled: PUBACK").isTrue();
        }
        try (var app = Messaging.asApp()) {
            for (int i = 0; i < 2; i++) {
                assertThat(Messaging.text(app.receive(QUEUE, null, WAIT))).as("accepted once the queue is enabled")
                        .isEqualTo(event);
            }
        }
        assertThat(TestEnvironment.messagesAdded(QUEUE))
                .as("the AMQP resend was not dropped as a duplicate of its refused send").isEqualTo(2);
    }

    private static Message withDuplicateId(Message message) throws jakarta.jms.JMSException {
        message.setStringProperty("_AMQ_DUPL_ID", DUPLICATE_ID);
        return message;
    }
}
