package org.tidings.pull.boundary;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.logging.Logger;
import org.tidings.pull.boundary.Feeds.Page;
import org.tidings.pull.entity.FeedEntry;
import org.tidings.trust.control.Identity;

/**
 * A feed as server-sent events: each notification is an event named {@value #EVENT} whose id is its sequence number
 * and whose data is the event as accepted (with {@code tidingsseq}), so a client that reconnects with
 * {@code Last-Event-ID} continues where it was. A notification its subscriber may no longer see is an event named
 * {@value #WITHHELD} with the same id, whose data holds only its {@code seq}, {@code id} and the code of why. A send
 * that fails closes the stream. Sends are not buffered: on
 * Payara Micro (Jersey 3.1) {@code SseEventSink.send} writes and flushes on the calling thread and returns a completed
 * future, so a client that does not read blocks the sender; {@link FeedWatch} sends on a writer thread of the
 * client's own and interrupts a send that makes no progress for {@code tidings.pull.send-timeout}, which Grizzly
 * answers by giving up the write and closing the connection (docs/adr/0015, "Slow and stalled readers").
 */
final class EventStream implements Watcher {

    static final String EVENT = "notification";
    /** The name of the event in place of a notification its subscriber may no longer see (docs/adr/0022). */
    static final String WITHHELD = "withheld";
    private static final int LIMIT = 100;
    private static final Logger LOG = Logger.getLogger(EventStream.class.getName());

    private final UUID subscriptionId;
    private final Identity caller;
    private final String remoteAddress;
    private final SseEventSink sink;
    private final Sse sse;
    private volatile long position;

    EventStream(UUID subscriptionId, Identity caller, String remoteAddress, long after, SseEventSink sink, Sse sse) {
        this.subscriptionId = subscriptionId;
        this.caller = caller;
        this.remoteAddress = remoteAddress;
        this.position = after;
        this.sink = sink;
        this.sse = sse;
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
        return position;
    }

    @Override
    public int limit() {
        return LIMIT;
    }

    @Override
    public boolean caughtUp(Page page, Runnable tookOne) {
        for (FeedEntry entry : page.entries()) {
            assert entry.seq() == position + 1 : "a feed has no gaps";
            boolean withheld = page.isWithheld(entry);
            boolean sent = sent(sse.newEventBuilder().id(Long.toString(entry.seq())).name(withheld ? WITHHELD : EVENT)
                    .mediaType(MediaType.APPLICATION_JSON_TYPE).data((withheld ? PageView.withheldOf(entry)
                            : PageView.eventOf(entry)).toString()).build());
            if (!sent) {
                return true;
            }
            position = entry.seq();
            tookOne.run();
        }
        return sink.isClosed();
    }

    @Override
    public void failed(RuntimeException e) {
        LOG.fine(() -> "stream of " + subscriptionId + " ended, the client reconnects and is told why: " + e);
        sink.close(); // a client that reconnects with Last-Event-ID then gets the reason (404, 410) as a problem
    }

    @Override
    public boolean heartbeat() {
        return sent(sse.newEventBuilder().comment("keep-alive").build());
    }

    @Override
    public void stalled() {
        sink.close(); // the interrupted write already closed the connection; this marks the sink closed too
    }

    @Override
    public void end() {
        sink.close();
    }

    private boolean sent(jakarta.ws.rs.sse.OutboundSseEvent event) {
        if (sink.isClosed()) {
            return false;
        }
        try {
            // interruptible: on a runtime whose sends are asynchronous, the send timeout's interrupt ends the wait
            sink.send(event).toCompletableFuture().get();
            return true;
        } catch (ExecutionException | IllegalStateException e) { // failed, or closed since isClosed
            sink.close();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sink.close();
            return false;
        }
    }
}
