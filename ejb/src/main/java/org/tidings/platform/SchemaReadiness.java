package org.tidings.platform;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Opens once {@link SchemaMigration} has migrated the schema (and, after an unclean stop, rebuilt the embedded
 * database's indexes) and the directories messages reach have loaded ({@link #SINGLETONS}); the message-driven beans
 * wait for it before their first message, and the timers that reach the directories do nothing until then. Payara
 * starts the message-driven beans, and the timers, before the start-up singletons (EjbApplication.start), so without it
 * a backlog would be written to tables that a migration or the rebuild is changing (on H2 a write committed while
 * {@code ALTER TABLE ... ADD COLUMN} copies its table is lost, docs/adr/0013).
 *
 * <p>A latch rather than a call on a singleton: such a call would start the singleton on the message's (or timer's)
 * thread if it came first, and a start that failed there (a directory that could not be loaded) marks the singleton
 * failed for good in Payara, though the deploying thread's own start of it succeeds afterwards. So each of those
 * singletons reports here at the end of its own start. (A singleton that depended on all of them, to open the latch
 * last, made Payara refuse the application now and then with a false "Cyclic dependency", docs/adr/0013.)
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

    /**
     * The singletons that report their start: the migration, and the directories that follow the change log, which
     * messages reach (the events listener the sources and grants, and the subscriptions through Matching's load gate;
     * the deliveries listener the grants; the changes listener all four, through their {@code CatchUp} observers). The
     * other singletons a message reaches (Matching, Views) have no start-up method.
     */
    public static final Set<String> SINGLETONS = Set.of("SchemaMigration", "SourceDirectory", "GrantDirectory",
            "TokenDirectory", "SubscriptionView");

    private final Set<String> awaited = ConcurrentHashMap.newKeySet();
    private final CountDownLatch ready = new CountDownLatch(1);

    public SchemaReadiness() {
        awaited.addAll(SINGLETONS);
    }

    /** Called by SchemaMigration once its start-up has finished. */
    public void open() {
        started("SchemaMigration");
    }

    /** Called by each of {@link #SINGLETONS} at the end of its start-up; the latch opens with the last of them. */
    public void started(String singleton) {
        if (!SINGLETONS.contains(singleton)) {
            throw new IllegalArgumentException("not a singleton the listeners wait for: " + singleton);
        }
        awaited.remove(singleton);
        if (awaited.isEmpty()) {
            ready.countDown();
        }
    }

    /** Whether the listeners may go on; timers that reach the directories do nothing until then. */
    public boolean isOpen() {
        return ready.getCount() == 0;
    }

    /** Returns once open; throws if it does not open within {@link #WAIT}. */
    public void await() {
        try {
            if (!ready.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the application has not finished starting (waited " + WAIT
                        + " for " + awaited + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the application's start", e);
        }
    }
}
