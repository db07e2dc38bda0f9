package org.tidings.it;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * An MQTT 3.1.1 publisher, as a device or a small source would be: the Eclipse Paho client, connecting with a user
 * name and password and publishing at QoS 1. Enough to see what the broker answers: the CONNACK's return code, and
 * whether a PUBLISH is acknowledged.
 */
final class MqttPublisher implements AutoCloseable {

    /** CONNACK return code 0: the connection is accepted. */
    static final int ACCEPTED = 0;

    private final MqttClient client;
    private final int connack;

    private MqttPublisher(String user, String password) throws IOException {
        URI broker = URI.create(TestEnvironment.brokerUrl());
        try {
            client = new MqttClient("tcp://" + broker.getHost() + ":" + broker.getPort(),
                    "tidings-it-" + System.nanoTime(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IOException(e);
        }
        client.setTimeToWait(15_000);
        var options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(15);
        options.setAutomaticReconnect(false);
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        int code = ACCEPTED;
        try {
            client.connect(options);
        } catch (MqttException refused) {
            // Paho's reason codes 1-5 are the CONNACK's return codes (4: bad user name or password, 5: not authorized)
            code = refused.getReasonCode();
            if (code < 1 || code > 5) {
                throw new IOException("no CONNACK from the broker", refused);
            }
        }
        connack = code;
    }

    /** Connects as this broker user; see {@link #connack()} for the broker's answer. */
    static MqttPublisher connect(String user, String password) throws IOException {
        return new MqttPublisher(user, password);
    }

    /** The CONNACK return code: {@link #ACCEPTED}, 4 (bad user name or password), 5 (not authorized) ... */
    int connack() {
        return connack;
    }

    /** Publishes at QoS 1; true once the broker acknowledged it, false if it closed the connection instead. */
    boolean publish(String topic, String payload) throws IOException {
        var message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        try {
            client.publish(topic, message);
            return true;
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttException.REASON_CODE_CONNECTION_LOST
                    || e.getReasonCode() == MqttException.REASON_CODE_CLIENT_NOT_CONNECTED) {
                return false;
            }
            throw new IOException("publish to " + topic + " failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (client.isConnected()) {
                client.disconnect(5_000);
            }
        } catch (MqttException alreadyClosed) {
            // the broker closed it first
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            throw new IOException(e);
        }
    }
}
