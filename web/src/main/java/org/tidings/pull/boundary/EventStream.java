package org.tidings.pull.boundary;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import org.tidings.pull.boundary.Feeds.Page;
import org.tidings.pull.entity.FeedEntry;

/**
 * A feed as server-sent events: each notification is an event named {@value #EVENT} whose id is its sequence number
 * and whose data is the event as accepted (with {@code tidingsseq}), so a client that reconnects with
 * {@code Last-Event-ID} continues where it was. A send that fails closes the stream. Sends are not buffered: on
 * Payara Micro (Jersey) a send writes synchronously, so a client that does not read blocks the sending thread until
 * the container's socket write gives up; the future's {@link #SEND_TIMEOUT} only matters on a runtime whose sends are
 * asynchronous (docs/adr/0015).
 */
final class EventStream implements Watcher {

    static final String EVENT = "notification";
    private static final int LIMIT = 100;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(EventStream.class.getName());

    private final UUID subscriptionId;
    private final SseEventSink sink;
    private final Sse sse;
    private volatile long position;

    EventStream(UUID subscriptionId, long after, SseEventSink sink, Sse sse) {
        this.subscriptionId = subscriptionId;
        this.position = after;
        this.sink = sink;
        this.sse = sse;
    }

    @Override
    public UUID subscriptionId() {
        return subscriptionId;
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
    public boolean caughtUp(Page page) {
        for (FeedEntry entry : page.entries()) {
            assert entry.seq() == position + 1 : "a feed has no gaps";
            boolean sent = sent(sse.newEventBuilder().id(Long.toString(entry.seq())).name(EVENT)
                    .mediaType(MediaType.APPLICATION_JSON_TYPE).data(PageView.eventOf(entry).toString()).build());
            if (!sent) {
                return true;
            }
            position = entry.seq();
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
    public void end() {
        sink.close();
    }

    private boolean sent(jakarta.ws.rs.sse.OutboundSseEvent event) {
        if (sink.isClosed()) {
            return false;
        }
        try {
            sink.send(event).toCompletableFuture().get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            sink.close();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sink.close();
            return false;
        }
    }
}
