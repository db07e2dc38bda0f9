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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.tidings.delivery.control.SinkQueueSweep;
import org.tidings.delivery.control.SweepsOwed;
import org.tidings.platform.SchemaReadiness;

/**
 * Makes the sweeps that revoked see grants still owe {@value SinkQueueSweep#OVERDUE_SECONDS} s after they were due
 * (docs/adr/0022): the instance that revoked stopped before it swept, or a queue could not be swept then. Every 15 s,
 * on every instance; two instances sweeping the same queues take back the same notifications once (the broker
 * removes a message once), so no lock is needed. A subscriber whose sweep fails again (a queue that cannot be swept,
 * an exception) is put off for {@link #AFTER_FAILURE}, so that it is not swept and logged at every run on every
 * instance, and cannot keep the {@value #SUBSCRIBERS} places of a run from the others.
 */
@Singleton
@Startup // its timer starts once the schema is there, not before
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class SweepRecovery {

    /** Whether the application has started; until then a run of the timer does nothing (SchemaReadiness). */
    @Inject
    SchemaReadiness readiness;

    /** Subscribers swept per run at most. */
    static final int SUBSCRIBERS = 100;

    /** How long a subscriber whose owed sweep failed again waits before the next try (and the overdue time). */
    static final Duration AFTER_FAILURE = Duration.ofMinutes(5);

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
        if (!readiness.isOpen() || !running.compareAndSet(false, true)) {
            return; // the previous run is still sweeping
        }
        try {
            Instant before = clock.instant().minusSeconds(SinkQueueSweep.OVERDUE_SECONDS);
            List<UUID> overdue = owed.overdue(before, SUBSCRIBERS);
            for (UUID subscriber : overdue) {
                recovered(subscriber, before);
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "owed sweeps not made this time: " + e);
        } finally {
            running.set(false);
        }
    }

    /** Sweeps one subscriber owed a sweep due before {@code before}; one that fails is put off, the others go on. */
    private void recovered(UUID subscriber, Instant before) {
        LOG.info(() -> "sweeping the JMS sink queues of subscriber " + subscriber + ": a see grant's revocation owes "
                + "them a sweep that is overdue (its instance stopped, or a queue could not be swept)");
        String failure;
        try {
            failure = sweep.sweptAndSettled(subscriber).complete() ? null
                    : "a queue could not be swept, or the grants could not be read first";
        } catch (RuntimeException e) {
            failure = e.toString();
        }
        if (failure != null) {
            Instant until = clock.instant().plus(AFTER_FAILURE);
            sweep.postponed(subscriber, before, until); // a failure here ends the run, as one of overdue() would
            String why = failure;
            LOG.warning(() -> "the sweep owed to subscriber " + subscriber + " is still owed (" + why + "); it is "
                    + "tried again after " + until.plusSeconds(SinkQueueSweep.OVERDUE_SECONDS));
        }
    }
}
