package org.tidings.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.api.Trigger;

/**
 * An H2 trigger on the test's own database server (it runs in the test's JVM): once armed with a count, it fails
 * that many inserts into accepted_event (the duplicate window's claims), as a database hiccup would, and lets
 * everything else through.
 */
public final class FailingClaim implements Trigger {

    private static final AtomicInteger ARMED = new AtomicInteger();
    private static final AtomicInteger FAILED = new AtomicInteger();

    static void arm(int failures) {
        FAILED.set(0);
        ARMED.set(failures);
    }

    static void disarm() {
        ARMED.set(0);
    }

    /** How many inserts failed since armed. */
    static int failed() {
        return FAILED.get();
    }

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
            int type) {
        // nothing to prepare
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (ARMED.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            FAILED.incrementAndGet();
            throw new SQLException("a database hiccup, injected by the test");
        }
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public void remove() {
        // nothing held
    }
}
