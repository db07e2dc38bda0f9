package org.tidings.pull.boundary;

import java.util.UUID;
import org.tidings.pull.boundary.Feeds.Page;
import org.tidings.trust.control.Identity;

/**
 * A client waiting on a feed: a long-poll or a server-sent event stream. {@link FeedWatch} calls its methods on one
 * thread at a time per watcher: {@link #caughtUp} whenever the feed may have grown past {@link #position}. Every
 * method but {@link #end} may write to the client and so may block while the client does not read; FeedWatch runs
 * them on a thread of their own and interrupts one that makes no progress for {@code tidings.pull.send-timeout}.
 */
interface Watcher {

    UUID subscriptionId();

    /**
     * Who the request that began the wait was authenticated as, or null if it was not (security off). The wait ends,
     * and nothing more reaches the client, once that token no longer gives this identity (revoked, expired, its
     * principal deleted or its role changed).
     */
    Identity caller();

    /** The address of the peer that connected (a proxy's, behind one): waits are limited per address. */
    String remoteAddress();

    /** The last sequence number the client has. */
    long position();

    /** How many entries to read at a time. */
    int limit();

    /**
     * Hands the client what the page holds; true if this watcher is done (a long-poll answered, a stream closed).
     * Runs {@code tookOne} after each write the client took, so that a slow client that keeps reading is not taken
     * for a stalled one.
     */
    boolean caughtUp(Page page, Runnable tookOne);

    /** The feed cannot be read for this client any more (deleted, pruned past it, or the database failed). */
    void failed(RuntimeException e);

    /** Keeps an idle connection alive; true if it is still open. */
    boolean heartbeat();

    /**
     * A write made no progress within the send timeout and was interrupted (Grizzly then gives it up and closes the
     * connection): release whatever is left of the connection. The client reconnects and loses nothing.
     */
    void stalled();

    /** Ends the wait: the application stops. */
    void end();
}
