package org.tidings.delivery.boundary;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.tidings.delivery.control.SinkQueueSweep;
import org.tidings.delivery.control.SweepsOwed;

/**
 * Makes the sweeps that revoked see grants still owe {@value SinkQueueSweep#OVERDUE_SECONDS} s after they were due
 * (docs/adr/0022): the instance that revoked stopped before it swept, or a queue could not be swept then. Every 15 s,
 * on every instance; two instances sweeping the same queues take back the same notifications once (the broker
 * removes a message once), so no lock is needed.
 */
@Singleton
@Startup // its timer starts once the schema is there, not before
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class SweepRecovery {

    /** Subscribers swept per run at most. */
    static final int SUBSCRIBERS = 100;

    private static final Logger LOG = Logger.getLogger(SweepRecovery.class.getName());

    @EJB
    SinkQueueSweep sweep;

    @Inject
    SweepsOwed owed;

    private final Clock clock = Clock.systemUTC();
    private final AtomicBoolean running = new AtomicBoolean();

    @Schedule(hour = "*", minute = "*", second = "*/15", persistent = false)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void recover() {
        if (!running.compareAndSet(false, true)) {
            return; // the previous run is still sweeping
        }
        try {
            Instant before = clock.instant().minusSeconds(SinkQueueSweep.OVERDUE_SECONDS);
            List<UUID> overdue = owed.overdue(before, SUBSCRIBERS);
            for (UUID subscriber : overdue) {
                LOG.info(() -> "sweeping the JMS sink queues of subscriber " + subscriber + ": a see grant's "
                        + "revocation owes them a sweep that is overdue (its instance stopped, or a queue could not "
                        + "be swept)");
                var swept = sweep.sweptAndSettled(subscriber);
                if (!swept.complete()) {
                    LOG.warning(() -> "the sweep owed to subscriber " + subscriber + " is still owed: a queue could "
                            + "not be swept; the next run tries again");
                }
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "owed sweeps not made this time: " + e);
        } finally {
            running.set(false);
        }
    }
}
