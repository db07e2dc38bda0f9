package org.tidings.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.tidings.ingest.entity.EventKey;

/**
 * Counts the events this instance acknowledged without matching them, as duplicates of events accepted within the
 * window (docs/adr/0019). Each is logged at FINE; {@link #reported} logs the count at INFO, once per pruning run
 * that has something to say, since the project has no metrics endpoint.
 */
@ApplicationScoped
public class SuppressedDuplicates {

    private static final Logger LOG = Logger.getLogger(SuppressedDuplicates.class.getName());

    private final AtomicLong total = new AtomicLong();
    private final AtomicLong reported = new AtomicLong();

    public void suppressed(EventKey key) {
        total.incrementAndGet();
        LOG.fine(() -> "event " + key + " was accepted within the duplicate window: acknowledged, not matched again");
    }

    /** All suppressed on this instance since it started. */
    public long total() {
        return total.get();
    }

    /** Logs how many were suppressed since the last report, if any; that number. */
    public long reported() {
        long now = total.get();
        long since = now - reported.getAndSet(now);
        if (since > 0) {
            LOG.info(() -> since + " duplicate events suppressed on this instance since the last report (" + now
                    + " since start)");
        }
        return since;
    }
}
