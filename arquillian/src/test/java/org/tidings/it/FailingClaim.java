package org.tidings.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.api.Trigger;

/**
 * An H2 trigger on the test's own database server (it runs in the test's JVM): once armed with a count, it fails
 * that many inserts into accepted_event (the duplicate window's claims), as a database hiccup would, and lets
 * everything else through. On PostgreSQL its twin is a PL/pgSQL trigger ({@link #armOn}), which counts the inserts
 * with a sequence: a sequence's numbers are not rolled back with the insert that failed.
 */
public final class FailingClaim implements Trigger {

    private static final String NAME = "pipeline_failing_claim";
    private static final String CALLS = "pipeline_failing_claim_calls";
    private static final AtomicInteger ARMED = new AtomicInteger();
    private static final AtomicInteger FAILED = new AtomicInteger();
    private static int armedWith;

    /** Arms the hiccup for the next {@code failures} claims on the database {@code statement} is on. */
    static void armOn(Statement statement, int failures) throws SQLException {
        disarmOn(statement);
        armedWith = failures;
        if (h2(statement)) {
            arm(failures);
            statement.execute("CREATE TRIGGER " + NAME + " BEFORE INSERT ON accepted_event FOR EACH ROW CALL \""
                    + FailingClaim.class.getName() + "\"");
        } else {
            statement.execute("CREATE SEQUENCE " + CALLS);
            statement.execute("CREATE FUNCTION " + NAME + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF nextval('" + CALLS + "') <= " + failures + " THEN "
                    + "RAISE EXCEPTION 'a database hiccup, injected by the test'; END IF; RETURN NEW; END $$");
            statement.execute("CREATE TRIGGER " + NAME + " BEFORE INSERT ON accepted_event FOR EACH ROW "
                    + "EXECUTE FUNCTION " + NAME + "()");
        }
    }

    /** How many claims failed since {@link #armOn}. */
    static int failedOn(Statement statement) throws SQLException {
        if (h2(statement)) {
            return failed();
        }
        try (var calls = statement.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM "
                + CALLS)) {
            calls.next();
            return (int) Math.min(armedWith, calls.getLong(1));
        }
    }

    /** Removes the hiccup, whatever is left of it. */
    static void disarmOn(Statement statement) throws SQLException {
        if (h2(statement)) {
            disarm();
            statement.execute("DROP TRIGGER IF EXISTS " + NAME);
        } else {
            statement.execute("DROP TRIGGER IF EXISTS " + NAME + " ON accepted_event");
            statement.execute("DROP FUNCTION IF EXISTS " + NAME + "()");
            statement.execute("DROP SEQUENCE IF EXISTS " + CALLS);
        }
    }

    private static boolean h2(Statement statement) throws SQLException {
        return statement.getConnection().getMetaData().getURL().startsWith("jdbc:h2:");
    }

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
