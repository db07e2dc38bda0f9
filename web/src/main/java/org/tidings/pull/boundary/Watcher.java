package org.tidings.pull.boundary;

import java.util.UUID;
import org.tidings.pull.boundary.Feeds.Page;

/**
 * A client waiting on a feed: a long-poll or a server-sent event stream. {@link FeedWatch} calls
 * {@link #caughtUp} on one thread at a time per watcher, whenever the feed may have grown past {@link #position}.
 */
interface Watcher {

    UUID subscriptionId();

    /** The last sequence number the client has. */
    long position();

    /** How many entries to read at a time. */
    int limit();

    /**
     * Hands the client what the page holds; true if this watcher is done (a long-poll answered, a stream closed).
     */
    boolean caughtUp(Page page);

    /** The feed cannot be read for this client any more (deleted, pruned past it, or the database failed). */
    void failed(RuntimeException e);

    /** Keeps an idle connection alive; true if it is still open. */
    boolean heartbeat();

    /** Ends the wait: the application stops. */
    void end();
}
