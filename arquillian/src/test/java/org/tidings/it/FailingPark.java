package org.tidings.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import org.h2.api.Trigger;

/**
 * An H2 trigger on the test's own database server (it runs in the test's JVM): once armed for a sink, it fails the
 * first insert of a WAITING delivery of that sink, as a database hiccup would, and lets everything else through.
 */
public final class FailingPark implements Trigger {

    private static final AtomicReference<String> ARMED = new AtomicReference<>();

    static void arm(String sinkId) {
        ARMED.set(sinkId);
    }

    static void disarm() {
        ARMED.set(null);
    }

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
            int type) {
        // nothing to prepare
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        String sink = ARMED.get();
        // columns of delivery: position, notification_id, sink_id, ..., status (index 10)
        if (sink != null && sink.equals(String.valueOf(newRow[2])) && "WAITING".equals(newRow[10])
                && ARMED.compareAndSet(sink, null)) {
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
