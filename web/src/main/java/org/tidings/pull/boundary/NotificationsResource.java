package org.tidings.pull.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.CompletionCallback;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.platform.security.Callers;
import org.tidings.pull.boundary.Feeds.Page;
import org.tidings.sinks.boundary.Sinks;
import org.tidings.subscriptions.boundary.Subscriptions;

/**
 * The pull channel's HTTP face (RUP-2, RUP-13, docs/adr/0015): a subscription's notifications after a position, as a
 * JSON page (long-poll with {@code wait}) or as server-sent events (resuming from {@code Last-Event-ID}), and the
 * receiver's ack.
 */
@RolesAllowed({"operator", "subscriber"})
@Path("api/subscriptions/{id}/notifications")
public class NotificationsResource {

    /** The receiver has carried out everything up to {@code upTo}. */
    public record AckRequest(Long upTo) {
    }

    public record AckView(long acked, long current) {
    }

    /** Server-sent events only when asked for: a client that accepts anything gets JSON pages. */
    static final String EVENT_STREAM = MediaType.SERVER_SENT_EVENTS + ";qs=0.5";

    @EJB
    Feeds feeds;

    @EJB
    Subscriptions subscriptions;

    @EJB
    Sinks sinks;

    @Inject
    FeedWatch watch;

    @Context
    HttpServletRequest request;

    /**
     * The notifications after {@code after}; if there are none and {@code wait} is given, the answer comes with the
     * first one, or empty when the wait is over. 503 unavailable if the instance or the subscription already has its
     * limit of waiting clients, 429 rate-limited if the client's address has.
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public void page(@PathParam("id") UUID id, @QueryParam("after") String after, @QueryParam("limit") String limit,
            @QueryParam("wait") String wait, @Suspended AsyncResponse response) {
        try {
            requireVisible(id);
            int size = PullParameters.limit(limit);
            Duration waiting = PullParameters.waiting(wait);
            long position = startOf(id, PullParameters.position("after", after));
            Page page = feeds.read(id, position, size);
            if (!page.entries().isEmpty() || waiting.isZero()) {
                response.resume(PageView.of(page, position, size));
                return;
            }
            var poll = new LongPoll(id, Callers.identity(request), request.getRemoteAddr(), position, size, response);
            response.setTimeout(Math.max(1, waiting.toMillis()), TimeUnit.MILLISECONDS); // 0 would be no timeout
            response.setTimeoutHandler(timedOut -> timedOut.resume(poll.nothingNew()));
            response.register((CompletionCallback) failure -> watch.removed(poll));
            watch.admit(poll);
        } catch (RuntimeException e) {
            response.resume(e);
        }
    }

    /**
     * The notifications after {@code Last-Event-ID} (or {@code after}) as server-sent events, then each new one as it
     * comes. Refusals (404, 410, 400, 429, 503) come before the stream opens, as problems.
     */
    @GET
    @Produces(EVENT_STREAM)
    public void stream(@PathParam("id") UUID id, @QueryParam("after") String after,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context SseEventSink sink, @Context Sse sse) {
        requireVisible(id);
        Long resumed = PullParameters.position("Last-Event-ID", lastEventId);
        Long asked = PullParameters.position("after", after);
        long position = startOf(id, resumed != null ? resumed : asked);
        feeds.read(id, position, 1); // refusals now, while they can still be an answer of their own
        watch.admit(new EventStream(id, Callers.identity(request), request.getRemoteAddr(), position, sink, sse));
    }

    @POST
    @Path("ack")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public AckView ack(@PathParam("id") UUID id, AckRequest request) {
        requireVisible(id);
        if (request == null || request.upTo() == null) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, "upTo (a sequence number) is required");
        }
        var positions = feeds.ack(id, request.upTo());
        return new AckView(positions.acked(), positions.last());
    }

    /** A subscriber pulls only its own subscriptions' feeds: another's is not found, as one that does not exist. */
    private void requireVisible(UUID id) {
        UUID subscriber = Callers.subscriber(request);
        if (subscriber != null) {
            var subscription = subscriptions.find(id);
            var sink = sinks.byId(subscription.sinkId());
            if (sink == null || !subscriber.equals(sink.ownerId())) {
                throw TidingsException.notFound("subscription", id);
            }
        }
    }

    /** Where a read starts: the position given, or just before the oldest entry kept. */
    private long startOf(UUID id, Long given) {
        return given != null ? given : feeds.positions(id).pruned();
    }
}
