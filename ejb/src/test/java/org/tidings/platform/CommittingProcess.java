package org.tidings.platform;

import java.sql.DriverManager;
import java.util.concurrent.CountDownLatch;

/**
 * The process {@link CommitDurabilityTest} kills: it opens an H2 database, optionally applies
 * {@link CommitDurability#ensure}, commits one row, says {@value #COMMITTED} on standard output, and waits to be killed.
 * Arguments: the JDBC URL, then {@code ensure} or {@code as-is}.
 */
public final class CommittingProcess {

    static final String COMMITTED = "committed";

    private CommittingProcess() {
    }

    public static void main(String[] args) throws Exception {
        var connection = DriverManager.getConnection(args[0], "tidings", "tidings");
        if ("ensure".equals(args[1])) {
            CommitDurability.ensure(connection);
        }
        try (var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS mark (id INT PRIMARY KEY)");
            statement.executeUpdate("INSERT INTO mark VALUES (1)");
        }
        System.out.println(COMMITTED);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
