package org.tidings.pull.boundary;

import jakarta.ws.rs.container.AsyncResponse;
import java.util.UUID;
import org.tidings.pull.boundary.Feeds.Page;
import org.tidings.trust.control.Identity;

/** A suspended GET of a feed page, answered by the first notification after its position or its timeout. */
final class LongPoll implements Watcher {

    private final UUID subscriptionId;
    private final Identity caller;
    private final String remoteAddress;
    private final long after;
    private final int limit;
    private final AsyncResponse response;

    LongPoll(UUID subscriptionId, Identity caller, String remoteAddress, long after, int limit,
            AsyncResponse response) {
        this.subscriptionId = subscriptionId;
        this.caller = caller;
        this.remoteAddress = remoteAddress;
        this.after = after;
        this.limit = limit;
        this.response = response;
    }

    /** The answer when the wait ends with nothing new: an empty page. */
    PageView nothingNew() {
        return PageView.empty(after);
    }

    @Override
    public UUID subscriptionId() {
        return subscriptionId;
    }

    @Override
    public Identity caller() {
        return caller;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public long position() {
        return after;
    }

    @Override
    public int limit() {
        return limit;
    }

    @Override
    public boolean caughtUp(Page page, Runnable tookOne) {
        if (page.entries().isEmpty()) {
            return !response.isSuspended();
        }
        response.resume(PageView.of(page, after, limit));
        return true;
    }

    @Override
    public void failed(RuntimeException e) {
        response.resume(e);
    }

    @Override
    public boolean heartbeat() {
        return response.isSuspended();
    }

    @Override
    public void stalled() {
        // the answer was being written when it was interrupted: Grizzly closed the connection, nothing is left
    }

    @Override
    public void end() {
        response.resume(nothingNew());
    }
}
