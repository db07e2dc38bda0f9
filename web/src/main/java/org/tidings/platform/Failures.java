package org.tidings.platform;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import org.tidings.provisioning.control.LoadGate;

/**
 * Names what a failure that reached the HTTP face means, from its cause chain, outermost cause first: the first
 * cause that says something decides. A domain refusal keeps its own code; a unique-key race, an optimistic-lock
 * conflict or a lock wait that timed out is a {@code conflict} (409: re-read and retry); a database that cannot be
 * reached is {@code database-unavailable} and a broker that cannot be reached {@code broker-unavailable} (both 503,
 * naming the dependency); a view not loaded yet, just after start, is {@code unavailable} (503). Connector
 * exceptions ({@code jakarta.resource}) wrap both JDBC and JMS pools, so they decide only when nothing more specific
 * lies below them, and then mean the broker (the JDBC pool's failures arrive wrapped in an {@link SQLException},
 * which is seen first). Anything else is an internal error.
 */
final class Failures {

    private Failures() {
    }

    static ErrorCode classify(Throwable failure) {
        boolean connector = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TidingsException domain) {
                return domain.code();
            }
            ErrorCode code = decisive(t);
            if (code != null) {
                return code;
            }
            connector |= t.getClass().getName().startsWith("jakarta.resource.");
        }
        return connector ? ErrorCode.BROKER_UNAVAILABLE : ErrorCode.INTERNAL_ERROR;
    }

    private static final Set<String> CONFLICTS = Set.of("jakarta.persistence.OptimisticLockException",
            "jakarta.persistence.EntityExistsException", "org.hibernate.StaleStateException",
            "org.hibernate.StaleObjectStateException", "org.hibernate.exception.ConstraintViolationException",
            "org.hibernate.exception.LockAcquisitionException", "org.hibernate.PessimisticLockException",
            "jakarta.persistence.PessimisticLockException", "jakarta.persistence.LockTimeoutException");
    private static final Set<String> DATABASE_GONE = Set.of("org.hibernate.exception.JDBCConnectionException");
    /**
     * SQL states: integrity violation (class 23), serialization failure, PostgreSQL's deadlock and lock-not-available,
     * H2's lock timeout (HYT00): a concurrent writer held the rows, so read again and retry.
     */
    private static final Set<String> CONFLICT_STATES = Set.of("40001", "40P01", "55P03", "HYT00");
    /** H2's own states for a broken or refused connection and a closed database (SQL's is class 08). */
    private static final Set<String> H2_GONE_STATES = Set.of("90067", "90013", "90098");

    private static ErrorCode decisive(Throwable t) {
        String name = t.getClass().getName();
        if (t instanceof SQLException sql) {
            String state = sql.getSQLState() == null ? "" : sql.getSQLState();
            if (state.startsWith("23") || CONFLICT_STATES.contains(state)) {
                return ErrorCode.CONFLICT;
            }
            boolean poolCannotAllocate = sql.getCause() != null
                    && sql.getCause().getClass().getName().startsWith("jakarta.resource.");
            if (state.startsWith("08") || H2_GONE_STATES.contains(state) || poolCannotAllocate
                    || sql instanceof SQLTransientConnectionException || sql instanceof SQLNonTransientConnectionException) {
                return ErrorCode.DATABASE_UNAVAILABLE;
            }
            return null;
        }
        if (CONFLICTS.contains(name)) {
            return ErrorCode.CONFLICT;
        }
        if (DATABASE_GONE.contains(name)) {
            return ErrorCode.DATABASE_UNAVAILABLE;
        }
        if (t instanceof LoadGate.NotLoaded) {
            return ErrorCode.UNAVAILABLE;
        }
        if (name.startsWith("jakarta.jms.") || name.startsWith("org.apache.activemq.artemis.")) {
            return ErrorCode.BROKER_UNAVAILABLE;
        }
        return null;
    }
}
