package org.tidings.it;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What Payara Micro writes to its console (its log) while this is open. The Arquillian adapter copies the server's
 * console to this JVM's {@code System.out} line by line, looking {@code System.out} up for each line
 * (arquillian.xml: {@code outputToConsole}); so for as long as this is open, {@code System.out} is replaced by a tee
 * that also keeps every line here. It sees only what the server writes while it is open.
 */
final class ServerOutput implements AutoCloseable {

    private final PrintStream original = System.out;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    private ServerOutput() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (kept) {
                    kept.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                synchronized (kept) {
                    kept.write(bytes, offset, length);
                }
                original.write(bytes, offset, length);
            }
        };
        System.setOut(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    static ServerOutput captured() {
        return new ServerOutput();
    }

    /** Everything written so far. */
    String text() {
        synchronized (kept) {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setOut(original);
    }
}
