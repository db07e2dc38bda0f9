package org.tidings.platform;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The process {@link ChunkRetentionCrashTest} kills while it commits: on an H2 file database (the URL its first
 * argument), {@code threads} (the second) writers commit one at a time, each commit an insert of a row keyed by 32
 * bytes spread over the key space (the SHA-256 of writer and number, as the duplicate window's keys are spread) and
 * an update of that writer's counter, and print {@code writer number} once the commit returned. Runs until killed.
 */
public final class ChurningProcess {

    private ChurningProcess() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int threads = Integer.parseInt(args[1]);
        try (Connection setup = DriverManager.getConnection(url, "tidings", "tidings");
                var statement = setup.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS churn (event_key BINARY(32) PRIMARY KEY, writer INT NOT NULL,"
                    + " number BIGINT NOT NULL, at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            statement.execute("CREATE INDEX IF NOT EXISTS churn_at ON churn (at)");
            statement.execute("CREATE TABLE IF NOT EXISTS churn_counter (writer INT PRIMARY KEY,"
                    + " number BIGINT NOT NULL)");
        }
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int writer = w;
            Thread thread = new Thread(() -> churn(url, writer), "writer-" + w);
            thread.start();
            writers.add(thread);
        }
        for (Thread thread : writers) {
            thread.join();
        }
    }

    private static void churn(String url, int writer) {
        try (Connection c = DriverManager.getConnection(url, "tidings", "tidings")) {
            c.setAutoCommit(false);
            try (var insert = c.prepareStatement("INSERT INTO churn (event_key, writer, number) VALUES (?, ?, ?)");
                    var counter = c.prepareStatement("MERGE INTO churn_counter KEY (writer) VALUES (?, ?)")) {
                var sha256 = MessageDigest.getInstance("SHA-256");
                for (long number = 1; ; number++) {
                    insert.setBytes(1, sha256.digest(ByteBuffer.allocate(12).putInt(writer).putLong(number).array()));
                    insert.setInt(2, writer);
                    insert.setLong(3, number);
                    insert.executeUpdate();
                    counter.setInt(1, writer);
                    counter.setLong(2, number);
                    counter.executeUpdate();
                    c.commit();
                    synchronized (System.out) {
                        System.out.println(writer + " " + number);
                        System.out.flush();
                    }
                }
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }
}
