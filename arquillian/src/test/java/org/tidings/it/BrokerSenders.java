package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;

/** What a source's broker user sees over STOMP and MQTT when the broker refuses its send. */
final class BrokerSenders {

    private BrokerSenders() {
    }

    /**
     * The static source user sends this body to this anycast address over STOMP (with a receipt) and over MQTT 3.1.1
     * (Eclipse Paho, QoS 1), and each is refused: an ERROR frame, whose message names the failed send, not its cause
     * (Artemis's STOMP handler), and no PUBACK (the broker closes the MQTT connection).
     */
    static void refusedOverStompAndMqtt(String address, String body) throws IOException {
        try (var stomp = StompClient.open()) {
            assertThat(stomp.connect(TestEnvironment.SOURCE_USER, TestEnvironment.SOURCE_PASSWORD).command())
                    .isEqualTo("CONNECTED");
            var answer = stomp.send(address, Map.of(), body);
            assertThat(answer.command()).as("STOMP: an ERROR frame, not a RECEIPT").isEqualTo("ERROR");
            assertThat(answer.headers().get("message")).startsWith("AMQ339011 Error sending message");
        }
        try (var mqtt = MqttPublisher.connect(TestEnvironment.SOURCE_USER, TestEnvironment.SOURCE_PASSWORD)) {
            assertThat(mqtt.connack()).isEqualTo(MqttPublisher.ACCEPTED);
            assertThat(mqtt.publish(address.replace('.', '/'), body))
                    .as("MQTT 3.1.1: no PUBACK, the broker closes the connection").isFalse();
        }
    }
}
