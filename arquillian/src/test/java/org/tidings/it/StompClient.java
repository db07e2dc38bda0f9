package org.tidings.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A STOMP 1.2 client over a plain socket, for the tests: what a messaging system without a JMS client sends to the
 * broker's STOMP protocol (broker.xml's acceptor takes CORE, AMQP, STOMP and MQTT on one port). Each frame is read
 * whole; a send asks for a receipt, so that it returns once the broker has taken the message (or refused it).
 */
final class StompClient implements AutoCloseable {

    /** A frame as read: its command, headers and body. */
    record Frame(String command, Map<String, String> headers, String body) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int receipts;

    private StompClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A connection to the test broker's acceptor, not yet logged in. */
    static StompClient open() {
        URI broker = URI.create(TestEnvironment.brokerUrl());
        try {
            return new StompClient(new Socket(InetAddress.getLoopbackAddress(), broker.getPort()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Logs in with this login and passcode; the broker's answer is CONNECTED, or ERROR (and it closes). */
    Frame connect(String login, String passcode) {
        var headers = new LinkedHashMap<String, String>();
        headers.put("accept-version", "1.2");
        headers.put("host", "127.0.0.1");
        headers.put("login", login);
        headers.put("passcode", passcode);
        try {
            write("CONNECT", headers, "");
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a text body to an anycast address with these headers, and returns the broker's RECEIPT or ERROR. */
    Frame send(String address, Map<String, String> extra, String body) {
        var headers = new LinkedHashMap<String, String>();
        headers.put("destination", address);
        headers.put("destination-type", "ANYCAST");
        headers.put("content-type", "application/cloudevents+json");
        headers.putAll(extra);
        headers.put("receipt", Integer.toString(++receipts));
        try {
            write("SEND", headers, body);
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String command, Map<String, String> headers, String body) throws IOException {
        var frame = new StringBuilder(command).append('\n');
        headers.forEach((name, value) -> frame.append(name).append(':').append(value).append('\n'));
        frame.append('\n').append(body);
        out.write(frame.toString().getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.flush();
    }

    private Frame read() throws IOException {
        var bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != 0) {
            if (b < 0) {
                throw new IOException("the broker closed the connection after: " + bytes);
            }
            if (bytes.size() == 0 && (b == '\n' || b == '\r')) {
                continue; // heart-beats and the end of the previous frame
            }
            bytes.write(b);
        }
        String[] parts = bytes.toString(StandardCharsets.UTF_8).split("\n\n", 2);
        String[] lines = parts[0].split("\n");
        var headers = new LinkedHashMap<String, String>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon), lines[i].substring(colon + 1));
            }
        }
        return new Frame(lines[0].strip(), headers, parts.length > 1 ? parts[1] : "");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
