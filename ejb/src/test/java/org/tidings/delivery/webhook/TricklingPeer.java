package org.tidings.delivery.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A hostile HTTP peer on a test's server socket: it reads each request (head, and a body of the length the head
 * declares), then answers a status line and a header that never ends, one byte every {@value #DRIP_MILLIS} ms. The
 * pause between bytes is the hostile behaviour under test (each read gets a byte well within its timeout, so only a
 * deadline on the whole exchange ends it), not a wait for a condition.
 */
public final class TricklingPeer {

    static final long DRIP_MILLIS = 250;

    private TricklingPeer() {
    }

    /** Serves connections until the socket is closed or the thread interrupted; each ends when the client cuts it. */
    public static Void serve(ServerSocket server) throws IOException, InterruptedException {
        while (!server.isClosed() && !Thread.currentThread().isInterrupted()) {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                StringBuilder head = new StringBuilder();
                for (int c = 0; !head.toString().endsWith("\r\n\r\n"); head.append((char) c)) {
                    c = in.read();
                    if (c < 0) {
                        throw new IOException("the client closed the connection");
                    }
                }
                String[] declared = head.toString().toLowerCase(Locale.ROOT).split("content-length: ");
                if (declared.length > 1) {
                    in.readNBytes(Integer.parseInt(declared[1].split("\r\n")[0].strip()));
                }
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nX-Drip: ".getBytes(StandardCharsets.US_ASCII));
                while (true) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(DRIP_MILLIS);
                }
            } catch (IOException cutOff) {
                // the client closed the connection: what the test wants; wait for the next one
            }
        }
        return null;
    }
}
