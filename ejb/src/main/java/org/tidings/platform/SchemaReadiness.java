package org.tidings.platform;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Opens once {@link SchemaMigration} has migrated the schema (and, after an unclean stop, rebuilt the embedded
 * database's indexes); the message-driven beans wait for it before their first message. Payara starts them before the
 * singletons (EjbApplication.start), so without it a backlog would be written to tables that a migration or the
 * rebuild is changing (on H2 a write committed while {@code ALTER TABLE ... ADD COLUMN} copies its table is lost,
 * docs/adr/0013).
 *
 * <p>A latch rather than a call on the singleton: such a call would start the singleton on the message's thread if
 * it came first, and a start that failed there marks the singleton failed for good in Payara, though the deploying
 * thread's own start of it succeeds afterwards. Other singletons a message reaches may still start on its thread, as
 * before: a singleton that depended on all of them, to open the latch last, made Payara refuse the application now
 * and then ("Cyclic dependency", docs/adr/0013).
 */
@ApplicationScoped
public class SchemaReadiness {

    /**
     * How long one message waits; then it fails, and comes again after its listener's pause. Long enough that a slow
     * start (Payara Micro took up to 260 s to boot under load, bench/README.md) does not use up an event's ten
     * deliveries (about 23 minutes with the events listener's pauses), short enough that a deployment that failed is
     * not held up for long by a waiting message.
     */
    static final Duration WAIT = Duration.ofMinutes(2);

    private final CountDownLatch ready = new CountDownLatch(1);

    /** Called by SchemaMigration once its start-up has finished. */
    public void open() {
        ready.countDown();
    }

    /** Returns once open; throws if it does not open within {@link #WAIT}. */
    public void await() {
        try {
            if (!ready.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the schema is not migrated yet (waited " + WAIT + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the schema", e);
        }
    }
}
