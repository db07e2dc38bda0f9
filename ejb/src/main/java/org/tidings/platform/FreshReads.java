package org.tidings.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;

/**
 * Turns off H2's reuse of query results ({@code OPTIMIZE_REUSE_RESULTS}), which in H2 2.2.224 can keep answering a
 * repeated query on one connection with a result older than a committed change. {@code SessionLocal.commit} marks the
 * changed tables modified before the commit becomes visible, and {@code Query.query} reads the modification counter
 * after it took its snapshot, so a read that races a commit caches the old rows under a counter that looks current;
 * every later run of the same statement on that connection (H2 keeps its prepared commands) returns them until the
 * table changes again (H2 issue 3894, fixed in 2.3.232, which Payara's bundled H2 is not). Tidings reads its change
 * log's generation that way: a view that caught up on such a connection stayed behind a committed change (a CI run
 * saw the views reload at generation 309 again and again after 310 was committed, and an event of a source whose
 * broker user had just been provisioned was not delivered). A later race of the same cache (H2 issue 4208) was fixed
 * only in 2.4.240, with this setting as its workaround. The default H2 URLs say {@code ;OPTIMIZE_REUSE_RESULTS=0},
 * which H2 runs on every connection; this covers a URL without it, until H2 closes the database. Other databases are
 * left as they are.
 */
public final class FreshReads {

    private static final Logger LOG = Logger.getLogger(FreshReads.class.getName());

    private FreshReads() {
    }

    /**
     * On H2, sets {@code OPTIMIZE_REUSE_RESULTS} to 0 for the database (every connection, until it closes; the
     * statement commits the connection's open transaction, if any). Fails if it cannot: only an H2 admin may, as for
     * {@link CommitDurability#ensure}.
     */
    public static void ensure(Connection connection) throws SQLException {
        if (!CommitDurability.H2.equals(connection.getMetaData().getDatabaseProductName())) {
            return;
        }
        CommitDurability.setAsAdmin(connection, "SET OPTIMIZE_REUSE_RESULTS 0", "H2 may answer a repeated query "
                + "with rows older than a committed change unless OPTIMIZE_REUSE_RESULTS is 0, and only an H2 admin "
                + "may set it");
        LOG.info("H2 OPTIMIZE_REUSE_RESULTS set to 0: a repeated query reads what is committed, not a cached result");
    }
}
