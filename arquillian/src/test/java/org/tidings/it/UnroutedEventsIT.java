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

    /**
     * A STOMP frame over the events address's size limit (4 MiB, UnconsumableEventsRefusal) is refused, and its body,
     * which the broker received into a large message's file, does not stay on disk: Artemis' STOMP handler does not
     * delete it when the send fails, so a sender could fill the broker's disk with refused frames.
     */
    // covers S2S-14
    @Test
    void aStompFrameOverTheSizeLimitIsRefusedAndLeavesNoFileBehind() throws Exception {
        String queue = "tidings.events.oversized-it";
        TestEnvironment.createEventsQueue(queue);
        java.nio.file.Path large = TestEnvironment.largeMessagesDirectory();
        java.util.Set<java.nio.file.Path> before = filesIn(large);
        try (var stomp = StompClient.open()) {
            assertThat(stomp.connect(TestEnvironment.SOURCE_USER, TestEnvironment.SOURCE_PASSWORD).command())
                    .isEqualTo("CONNECTED");
            var answer = stomp.send(queue, java.util.Map.of(), "x".repeat(5 * 1024 * 1024));
            assertThat(answer.command()).as("an ERROR frame, not a RECEIPT").isEqualTo("ERROR");
        }
        assertThat(TestEnvironment.messagesAdded(queue)).isZero();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(filesIn(large)).as("a refused frame's file").isSubsetOf(before));
    }

    private static java.util.Set<java.nio.file.Path> filesIn(java.nio.file.Path directory) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(directory)) {
            return java.util.Set.of();
        }
        try (var files = java.nio.file.Files.list(directory)) {
            return files.collect(java.util.stream.Collectors.toSet());
        }
    }

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
