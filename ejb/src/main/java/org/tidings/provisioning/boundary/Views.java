package org.tidings.provisioning.boundary;

import jakarta.ejb.Asynchronous;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.tidings.platform.SchemaReadiness;
import org.tidings.provisioning.entity.CatchUp;
import org.tidings.provisioning.entity.Staleness;

/**
 * Makes this instance's in-memory views (they observe {@link CatchUp}) catch up with the change log: when a change
 * notice arrives, after this instance's own changes commit, and every two seconds whatever happens to the notices,
 * so that a lost notice costs at most one period (docs/adr/0010). Each view reads and applies in a transaction
 * of its own, or none.
 */
@Singleton
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Views {

    /** Whether the application has started; until then a run of the timer does nothing (SchemaReadiness). */
    @Inject
    SchemaReadiness readiness;

    @Inject
    Event<CatchUp> catchUps;

    private volatile List<Staleness> last = List.of();

    /** Every view catches up now, on this thread; the answer holds each view's report. */
    public CatchUp caughtUp() {
        var catchUp = new CatchUp();
        catchUps.fire(catchUp);
        last = catchUp.reports();
        return catchUp;
    }

    /**
     * The same on a thread of its own with no transaction: the way to catch up from a synchronization callback of
     * a completed transaction, where calling a transactional bean would suspend and resume that transaction.
     */
    @Asynchronous
    public Future<CatchUp> caughtUpAsynchronously() {
        return CompletableFuture.completedFuture(caughtUp());
    }

    @Schedule(hour = "*", minute = "*", second = "*/2", persistent = false)
    void periodically() {
        if (readiness.isOpen()) {
            caughtUp();
        }
    }

    /**
     * How current each view was at the last catch-up: the generation it reflects against the database's, and since
     * when it has been known current. What a readiness check reads.
     */
    public List<Staleness> staleness() {
        return last;
    }
}
