package org.tidings.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * An MQTT 3.1.1 publisher, written out on a socket (no MQTT client library is available to the build): CONNECT with
 * a user name and password, and PUBLISH at QoS 1, as a device or a small source would. Enough to see what the broker
 * answers: the CONNACK's return code, and whether a PUBLISH is acknowledged.
 */
final class MqttPublisher implements AutoCloseable {

    /** CONNACK return code 0: the connection is accepted. */
    static final int ACCEPTED = 0;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final int connack;
    private int packetId;

    private MqttPublisher(String user, String password) throws IOException {
        URI broker = URI.create(TestEnvironment.brokerUrl());
        socket = new Socket(broker.getHost(), broker.getPort());
        socket.setSoTimeout(15_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        var body = new ByteArrayOutputStream();
        body.writeBytes(text("MQTT"));
        body.writeBytes(new byte[] {4, (byte) 0xC2, 0, 30}); // level 4; user name, password, clean session; 30 s
        body.writeBytes(text("tidings-it-" + System.nanoTime()));
        body.writeBytes(text(user));
        body.writeBytes(text(password));
        send(0x10, body.toByteArray());
        connack = readPacket(0x20)[1];
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
        int id = ++packetId;
        var body = new ByteArrayOutputStream();
        body.writeBytes(text(topic));
        body.write(id >> 8);
        body.write(id & 0xFF);
        body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        send(0x32, body.toByteArray());
        try {
            byte[] puback = readPacket(0x40);
            return ((puback[0] & 0xFF) << 8 | (puback[1] & 0xFF)) == id;
        } catch (EOFException | java.net.SocketException closed) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            send(0xE0, new byte[0]);
        } catch (IOException alreadyClosed) {
            // the broker closed it first
        }
        socket.close();
    }

    private static byte[] text(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        var text = new ByteArrayOutputStream();
        text.write(bytes.length >> 8);
        text.write(bytes.length & 0xFF);
        text.writeBytes(bytes);
        return text.toByteArray();
    }

    private void send(int header, byte[] body) throws IOException {
        var packet = new ByteArrayOutputStream();
        packet.write(header);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            packet.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        packet.writeBytes(body);
        out.write(packet.toByteArray());
        out.flush();
    }

    /** The body of the next packet, which must be of this type. */
    private byte[] readPacket(int type) throws IOException {
        int header = in.readUnsignedByte();
        int length = 0;
        int shift = 0;
        int digit;
        do {
            digit = in.readUnsignedByte();
            length |= (digit & 0x7F) << shift;
            shift += 7;
        } while ((digit & 0x80) != 0);
        byte[] body = new byte[length];
        in.readFully(body);
        if ((header & 0xF0) != type) {
            throw new IOException("expected MQTT packet type " + type + ", got " + header);
        }
        return body;
    }
}
