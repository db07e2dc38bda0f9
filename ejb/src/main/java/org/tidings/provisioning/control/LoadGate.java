package org.tidings.provisioning.control;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Closed until an in-memory view has been loaded for the first time, then open for good. The event path asks it
 * before it reads a view: an answer from a view not loaded yet (no subscriptions, no sources) would be acted on as
 * if it were true, and the event acknowledged with nothing forwarded. The resource adapter can deliver events
 * before the container has finished loading the views (the views are filled by a startup bean, and the container
 * may start the message-driven beans first), so such a reader waits, bounded, and then fails: the event is rolled
 * back and redelivered, never lost.
 */
public final class LoadGate {

    /** A view was asked before it was loaded, and the wait ran out. */
    public static final class NotLoaded extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NotLoaded(String view, Duration waited) {
            super("the " + view + " is not loaded yet (waited " + waited.toMillis() + " ms); retry later");
        }
    }

    /** How long a reader waits by default: a load takes about a second at start, far less than this. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final String view;
    private final Duration wait;
    private final CountDownLatch loaded = new CountDownLatch(1);

    public LoadGate(String view, Duration wait) {
        this.view = view;
        this.wait = wait;
    }

    /** The view has been loaded whole: every reader from now on, and every one waiting, goes through. */
    public void opened() {
        loaded.countDown();
    }

    public boolean isOpen() {
        return loaded.getCount() == 0;
    }

    /** Returns once the view is loaded; throws {@link NotLoaded} if it is not within the wait. */
    public void awaitOpen() {
        if (isOpen()) {
            return;
        }
        try {
            if (loaded.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new NotLoaded(view, wait);
    }
}
