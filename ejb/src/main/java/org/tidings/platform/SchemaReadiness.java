package org.tidings.platform;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Opens once {@link SchemaMigration} has migrated the schema (and, after an unclean stop, rebuilt the embedded
 * database's indexes); the message-driven beans wait for it before their first message. Payara starts them before the
 * singletons (EjbApplication.start), so without it a backlog would be written to tables that a migration or the
 * rebuild is changing, and on H2 a write committed while {@code ALTER TABLE ... ADD COLUMN} copies its table is lost
 * (docs/adr/0013).
 *
 * <p>A latch rather than a call on the singleton: such a call would start the singleton on the message's thread if
 * it came first, and a start that failed there marks the singleton failed for good in Payara, though the deploying
 * thread's own start of it succeeds afterwards.
 */
@ApplicationScoped
public class SchemaReadiness {

    /** How long one message waits; then it fails, and comes again after its listener's pause. */
    static final Duration WAIT = Duration.ofSeconds(30);

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
