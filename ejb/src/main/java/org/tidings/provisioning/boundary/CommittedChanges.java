package org.tidings.provisioning.boundary;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.tidings.provisioning.entity.ChangeNotice;

/**
 * What follows a committed provisioning change: the notice goes to the other instances, and this instance's views
 * catch up before the admin call returns, so that it matches with the new state at once. A plain CDI bean on
 * purpose: it runs in the completed transaction's synchronization callback, where an EJB's transaction handling
 * would suspend and resume the finished transaction (AS-EJB-00056); both calls it makes are asynchronous and run
 * without it.
 */
@ApplicationScoped
public class CommittedChanges {

    private static final Logger LOG = Logger.getLogger(CommittedChanges.class.getName());
    private static final long LOCAL_CATCH_UP_SECONDS = 30;

    @EJB
    ChangePublisher publisher;

    @EJB
    Views views;

    /** Set on a thread whose changes must not wait for this instance's views (see {@link #atStartup}). */
    private static final ThreadLocal<Boolean> STARTING = ThreadLocal.withInitial(() -> false);

    /**
     * Runs start-up work (a {@code @Startup} bean's, on the deploying thread) whose changes are published but not
     * waited for here: the views catch up on other threads, and during deployment those wait for the deploying
     * thread, which would wait for them until the timeout (30 s on a first start, with a warning). The caller brings
     * the views it needs up to date itself.
     */
    public <T> T atStartup(Supplier<T> work) {
        STARTING.set(true);
        try {
            return work.get();
        } finally {
            STARTING.remove();
        }
    }

    void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) ChangeNotice notice) {
        publisher.publish(notice);
        if (STARTING.get()) {
            return;
        }
        try {
            var catchUp = views.caughtUpAsynchronously().get(LOCAL_CATCH_UP_SECONDS, TimeUnit.SECONDS);
            if (!catchUp.converged()) {
                LOG.warning(() -> "committed " + notice + ", views not caught up yet: " + catchUp.reports());
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.warning(() -> "committed " + notice + ", views not caught up yet: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
