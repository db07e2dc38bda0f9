package org.tidings.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP relay on loopback between one instance and the shared database, which the test can cut: the instance then
 * sees the database fail (open connections drop, new ones close at once) while the others still reach it. H2 over
 * TCP and PostgreSQL alike.
 */
final class DatabaseLink implements AutoCloseable {

    private static final Pattern HOST_PORT = Pattern.compile("//([^/:]+):(\\d+)/");

    private final String url;
    private final String host;
    private final int port;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    private DatabaseLink(String url, String host, int port) throws IOException {
        this.url = url;
        this.host = host;
        this.port = port;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "database-link");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A link to the database of this JDBC URL (with host and port). */
    static DatabaseLink to(String jdbcUrl) throws IOException {
        Matcher m = HOST_PORT.matcher(jdbcUrl);
        if (!m.find()) {
            throw new IllegalArgumentException("no host and port in " + jdbcUrl);
        }
        return new DatabaseLink(jdbcUrl, m.group(1), Integer.parseInt(m.group(2)));
    }

    /** The JDBC URL that goes through this link. */
    String url() {
        return HOST_PORT.matcher(url).replaceFirst("//127.0.0.1:" + server.getLocalPort() + "/");
    }

    void cut() {
        cut = true;
        open.forEach(DatabaseLink::closeQuietly);
        open.clear();
    }

    void restore() {
        cut = false;
    }

    @Override
    public void close() {
        cut();
        closeQuietly(server);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut) {
                    client.close();
                    continue;
                }
                Socket upstream = new Socket(host, port);
                open.add(client);
                open.add(upstream);
                relay(client, upstream);
                relay(upstream, client);
            } catch (IOException e) {
                // closed, or the database refused: the instance sees a failed connection either way
            }
        }
    }

    private void relay(Socket from, Socket to) {
        Thread pump = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException dropped) {
                // cut, or one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "database-link-relay");
        pump.setDaemon(true);
        pump.start();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
