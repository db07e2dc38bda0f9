package org.tidings.delivery.purge;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One body-less HTTP/1.1 request to a cache server over a connection of its own, closed after the answer's status
 * line: {@code method target HTTP/1.1}, {@code Host} (the invalidated URI's, not the cache's), {@code User-Agent:
 * Tidings}, {@code Connection: close} and the request's extra header. Written here rather than with
 * {@code java.net.http}, which refuses to send a Host header of the caller's choosing (docs/adr/0014). https caches
 * are reached over TLS with the default SSLContext, certificate and host name verified. Thread-safe (stateless).
 */
final class CacheExchange {

    /** A cache's answer: its status (0 when there was none) and a printable account of it. */
    record Answer(int status, String text) {
        /** Not sent, because an earlier request of the same attempt failed. */
        static final Answer NOT_SENT = new Answer(0, "not sent: an earlier request of the attempt failed");

        /** 2xx or 404: the cache no longer holds what was invalidated. */
        boolean invalidated() {
            return status / 100 == 2 || status == 404;
        }
    }

    static final String USER_AGENT = "Tidings";
    private static final int STATUS_LINE_LIMIT = 1024;

    private CacheExchange() {
    }

    /** Never throws for what the cache or the network does; waits at most the connect plus the read timeout. */
    static Answer send(PurgeRequest request, Duration connectTimeout, Duration readTimeout) {
        boolean tls = request.cache().getScheme().toLowerCase(Locale.ROOT).equals("https");
        String host = request.cache().getHost();
        int port = request.cache().getPort() != -1 ? request.cache().getPort() : tls ? 443 : 80;
        long deadline = System.nanoTime() + connectTimeout.plus(readTimeout).toNanos();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), (int) Math.max(1, connectTimeout.toMillis()));
            plain.setSoTimeout((int) Math.max(1, readTimeout.toMillis()));
            Socket socket = tls ? secured(plain, host, port) : plain;
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head(request).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return answer(statusLine(new BufferedInputStream(socket.getInputStream()), deadline));
            } finally {
                if (socket != plain) {
                    socket.close();
                }
            }
        } catch (SocketTimeoutException e) {
            return new Answer(0, "no answer within the timeout from " + host + ":" + port);
        } catch (IOException | RuntimeException e) {
            return new Answer(0, e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    static String head(PurgeRequest request) {
        StringBuilder head = new StringBuilder(request.method()).append(' ').append(request.target())
                .append(" HTTP/1.1\r\nHost: ").append(request.host())
                .append("\r\nUser-Agent: ").append(USER_AGENT)
                .append("\r\nConnection: close\r\n");
        if (request.header() != null) {
            head.append(request.header()).append(": ").append(request.value()).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private static Socket secured(Socket plain, String host, int port) throws IOException {
        SSLSocket socket = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                .createSocket(plain, host, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** The first line of the answer, read byte by byte up to its end, the limit or the deadline. */
    private static String statusLine(InputStream in, long deadline) throws IOException {
        StringBuilder line = new StringBuilder();
        while (line.length() < STATUS_LINE_LIMIT) {
            if (System.nanoTime() - deadline > 0) {
                throw new SocketTimeoutException("the status line did not come within the timeout");
            }
            int b = in.read();
            if (b == -1 || b == '\n') {
                break;
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static Answer answer(String statusLine) {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            return new Answer(0, "not an HTTP/1.x answer: " + (statusLine.isEmpty() ? "(nothing)"
                    : statusLine.substring(0, Math.min(100, statusLine.length()))));
        }
        return new Answer(Integer.parseInt(parts[1]), "HTTP " + statusLine.substring(parts[0].length() + 1));
    }
}
