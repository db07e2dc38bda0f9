package org.tidings.sinks.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.tidings.delivery.boundary.DeliveriesResource.DeliveryView;
import org.tidings.delivery.boundary.DeliveryLedger;
import org.tidings.delivery.boundary.JmsDeliveries;
import org.tidings.delivery.control.CircuitBreakers;
import org.tidings.delivery.control.SeenNow;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.Listing;
import org.tidings.platform.Pages;
import org.tidings.platform.QueryFlag;
import org.tidings.platform.QueryInstant;
import org.tidings.platform.StorableInstant;
import org.tidings.platform.TidingsException;
import org.tidings.platform.security.Callers;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.ContentMode;
import org.tidings.sinks.entity.PurgeSettings;
import org.tidings.sinks.entity.Sink;

/**
 * Sinks. Subscribers manage their own (a sink created with a subscriber's token is its); another's answers 404 as if
 * it did not exist. Administrators see and manage every sink; the roles per method say which (docs/adr/0018).
 */
@RolesAllowed({"admin", "subscriber"})
@Path("api/sinks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SinksResource {

    /**
     * A webhook sink needs {@code url}, a purge sink {@code caches} (its methods and ban header are optional, and so
     * is {@code keyHeader}, which turns on purges by surrogate keys, with {@code keyMethod}); the timeouts and
     * {@code retrySchedule} (a list of ISO-8601 durations) are optional for both (the configured defaults apply). A
     * webhook sink may present credentials to its receiver ({@code auth}, {@link ReceiverAuth}), and send each
     * notification in the CloudEvents HTTP binding's {@code binary} mode instead of {@code structured} (the default,
     * {@code contentMode}). A JMS or pull sink needs only its name.
     */
    public record SinkRequest(
            @NotBlank @Size(max = 200) String name,
            @NotNull @Pattern(regexp = "(?i)jms|webhook|purge|pull", message = "must be one of: jms, webhook, purge, pull")
            String channel,
            @Size(max = 2000) String url,
            @Min(1) @Max(30_000) Integer connectTimeoutMs,
            @Min(1) @Max(60_000) Integer readTimeoutMs,
            @Size(max = PurgeSettings.MAX_CACHES) List<@NotNull @Size(max = PurgeSettings.MAX_CACHE_URL_CHARS) String>
            caches,
            String purgeMethod, String banMethod, String banHeader, String keyHeader, String keyMethod,
            JsonValue retrySchedule, JsonValue auth,
            @Pattern(regexp = "(?i)structured|binary", message = "must be one of: structured, binary")
            String contentMode) {

        boolean purgeSettingsGiven() {
            return caches != null || purgeMethod != null || banMethod != null || banHeader != null
                    || keyHeader != null || keyMethod != null;
        }
    }

    /**
     * A sink as the API shows it: never its secret, except {@code secret} right after creation or rotation, and of
     * the credentials it presents to its receiver only their type ({@code auth}).
     */
    public record SinkView(UUID id, String name, String channel, String queue, String url, Boolean enabled,
            String disabledReason, Instant disabledAt, Integer connectTimeoutMs, Integer readTimeoutMs,
            Instant createdAt, String secret, List<String> caches, String purgeMethod, String banMethod,
            String banHeader, String keyHeader, String keyMethod, List<String> retrySchedule,
            ReceiverAuth.View auth, String contentMode) {
        static SinkView of(Sink s) {
            return of(s, null);
        }

        @Override
        public String toString() {
            return "SinkView[id=" + id + ", name=" + name + ", channel=" + channel + "]";
        }

        static SinkView of(Sink s, String secret) {
            boolean webhook = s.channel() == Channel.WEBHOOK;
            Sink.StoredPurge purge = s.storedPurge(); // as stored: a row older than a rule still shows
            return new SinkView(s.id(), s.name(), s.channel().name().toLowerCase(Locale.ROOT),
                    s.channel() == Channel.JMS ? s.endpoint() : null, webhook ? s.shownUrl() : null,
                    webhook ? s.enabled() : null, s.disabledReason(), s.disabledAt(), s.connectTimeoutMillis(),
                    s.readTimeoutMillis(), s.createdAt(), secret,
                    purge == null ? null : purge.caches(),
                    purge == null ? null : purge.purgeMethod(), purge == null ? null : purge.banMethod(),
                    purge == null ? null : purge.banHeader(), purge == null ? null : purge.keyHeader(),
                    purge == null ? null : purge.keyMethod(),
                    s.retrySchedule() == null ? null : List.of(s.retrySchedule().split(",")),
                    ReceiverAuth.View.of(s.authType()),
                    webhook ? s.contentMode().name().toLowerCase(Locale.ROOT) : null);
        }
    }

    /**
     * How a sink is doing. A webhook, purge or pull sink: notifications waiting (backlog), delivered and dead; last
     * success and failure; the circuit breaker's state as the instance that answers sees it (closed, open,
     * half_open). A JMS sink, from the broker's counters of its queue (docs/adr/0012, "JMS sinks, what is not yet
     * recorded, and the origin's view"): backlog is what the queue holds (waiting, in delivery, scheduled),
     * {@code inDelivery} what of that its consumers hold unacknowledged, {@code consumers} how many are connected,
     * delivered what they acknowledged since the broker started, dead what its own dead-letter queue holds
     * (DLQ.tidings.sink.&lt;id&gt;); it has no last success or failure and no circuit.
     */
    public record StatusView(UUID id, boolean enabled, String disabledReason, long backlog, long delivered,
            Long dead, Instant lastSuccess, Instant lastFailure, String circuit, Long inDelivery, Integer consumers) {
    }

    /** Which dead letters to put back in line: those that died in [from, to); all of them without either. */
    public record RedriveRequest(@StorableInstant Instant from, @StorableInstant Instant to) {
    }

    public record Redriven(int redriven) {
    }

    private static final String RETRY_SCHEDULE = "retrySchedule";
    private static final String AUTH = "auth";
    private static final String CONTENT_MODE = "contentMode";
    private static final Set<String> CHANGEABLE = Set.of(RETRY_SCHEDULE, AUTH, CONTENT_MODE);

    @EJB
    Sinks sinks;

    @EJB
    DeliveryLedger ledger;

    @EJB
    JmsDeliveries jmsDeliveries;

    @Inject
    CircuitBreakers breakers;

    @Inject
    SeenNow seenNow;

    @Context
    HttpServletRequest caller;

    @POST
    public Response create(@NotNull @Valid SinkRequest request, @Context UriInfo uri) {
        UUID owner = Callers.subscriber(caller);
        var channel = Channel.valueOf(request.channel().toUpperCase(Locale.ROOT));
        SinkView view;
        var auth = ReceiverAuth.of(request.auth());
        if (channel != Channel.WEBHOOK && auth != null) {
            throw new TidingsException(ErrorCode.INVALID_AUTH, "auth is for webhook sinks only");
        }
        if (channel != Channel.WEBHOOK && request.contentMode() != null) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, "contentMode is for webhook sinks only");
        }
        if (channel != Channel.PURGE && request.purgeSettingsGiven()) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, "caches, methods, ban and key headers are "
                    + "for purge sinks only");
        }
        if (channel == Channel.PURGE) {
            if (request.url() != null) {
                throw new TidingsException(ErrorCode.INVALID_REQUEST, "a purge sink names caches, not a url");
            }
            view = SinkView.of(sinks.createPurge(owner, request.name(), request.caches(), request.purgeMethod(),
                    request.banMethod(), request.banHeader(), request.keyHeader(), request.keyMethod(),
                    request.connectTimeoutMs(), request.readTimeoutMs(),
                    retrySchedule(request.retrySchedule())));
        } else if (channel == Channel.WEBHOOK) {
            if (request.url() == null) {
                throw new TidingsException(ErrorCode.INVALID_REQUEST, "a webhook sink needs a url");
            }
            var created = sinks.createWebhook(owner, request.name(), request.url(), request.connectTimeoutMs(),
                    request.readTimeoutMs(), retrySchedule(request.retrySchedule()), auth,
                    request.contentMode() == null ? null
                            : ContentMode.valueOf(request.contentMode().toUpperCase(Locale.ROOT)));
            view = SinkView.of(created.sink(), created.secret());
        } else {
            if (request.url() != null || request.connectTimeoutMs() != null || request.readTimeoutMs() != null
                    || retrySchedule(request.retrySchedule()) != null) {
                throw new TidingsException(ErrorCode.INVALID_REQUEST, "url, timeouts and retrySchedule are for "
                        + "webhook and purge sinks only");
            }
            view = SinkView.of(sinks.create(owner, request.name(), channel));
        }
        // a webhook sink's answer holds its signing secret, shown this once: no cache may keep it
        return Response.created(uri.getAbsolutePathBuilder().path(view.id().toString()).build()).entity(view)
                .header("Cache-Control", "no-store").build();
    }

    @RolesAllowed({"viewer", "subscriber"})
    @GET
    public Response all(@QueryParam("after") String after,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(Listing.MAX_LIMIT) int limit, @Context UriInfo uri) {
        var page = sinks.page(Callers.subscriber(caller), Pages.after(after), limit);
        return Pages.of(uri, page, page.map(SinkView::of), limit);
    }

    @RolesAllowed({"viewer", "subscriber"})
    @GET
    @Path("{id}")
    public SinkView one(@PathParam("id") UUID id) {
        return SinkView.of(visible(id));
    }

    /**
     * Changes a sink as a JSON merge patch: a member that is absent stays as it is. Only {@code retrySchedule} (a list
     * of ISO-8601 durations; null returns to the global schedule; waiting notifications keep the time of their next
     * attempt, and the waits after it follow the new schedule), a webhook sink's {@code auth} (replaced whole;
     * null removes it) and its {@code contentMode} can be changed, in one transaction.
     */
    @PATCH
    @Path("{id}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public SinkView change(@PathParam("id") UUID id, String body) {
        visible(id);
        JsonObject changes = jsonObject(body);
        if (!CHANGEABLE.containsAll(changes.keySet())) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, "only retrySchedule, auth and contentMode can be "
                    + "changed");
        }
        if (changes.isEmpty()) {
            return SinkView.of(sinks.find(id));
        }
        return SinkView.of(sinks.change(id, new Sinks.Changes(changes.containsKey(RETRY_SCHEDULE),
                retrySchedule(changes.get(RETRY_SCHEDULE)), changes.containsKey(AUTH),
                ReceiverAuth.of(changes.get(AUTH)), contentMode(changes.get(CONTENT_MODE)))));
    }

    /** contentMode as given: absent is null (unchanged); otherwise "structured" or "binary". */
    private static ContentMode contentMode(JsonValue value) {
        if (value == null) {
            return null;
        }
        if (value instanceof JsonString text && text.getString().toLowerCase(Locale.ROOT).matches("structured|binary")) {
            return ContentMode.valueOf(text.getString().toUpperCase(Locale.ROOT));
        }
        throw new TidingsException(ErrorCode.INVALID_REQUEST, "contentMode must be one of: structured, binary");
    }

    /**
     * Read here rather than by the JSON-P entity reader, which throws past the problem mappers on a body under four
     * bytes and hands an array to an object parameter.
     */
    private static JsonObject jsonObject(String body) {
        try (var reader = Json.createReader(new StringReader(body == null ? "" : body))) {
            if (reader.readValue() instanceof JsonObject object) {
                return object;
            }
        } catch (RuntimeException notJson) { // JsonException; and Parsson's plain RuntimeException on deep nesting
            // answered below
        }
        throw new TidingsException(ErrorCode.MALFORMED_JSON, "the body must be a JSON object");
    }

    /** retrySchedule as given: absent or null is null (the global schedule); it must be a list of strings. */
    private static List<String> retrySchedule(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value.getValueType() == JsonValue.ValueType.ARRAY && value.asJsonArray().stream()
                .allMatch(step -> step.getValueType() == JsonValue.ValueType.STRING)) {
            return value.asJsonArray().getValuesAs(JsonString::getString);
        }
        throw new TidingsException(ErrorCode.INVALID_RETRY_SCHEDULE, "retrySchedule must be a list of ISO-8601 "
                + "durations, e.g. [\"PT0S\",\"PT5S\",\"PT5M\"]");
    }

    /**
     * A new signing secret, shown in this answer only; the previous ones keep signing during the overlap, or, with
     * {@code ?endOverlap=true} (a secret leaked), stop at once.
     */
    @POST
    @Path("{id}/secret")
    public Response rotateSecret(@PathParam("id") UUID id,
            @QueryParam("endOverlap") String endOverlap) {
        visible(id);
        var rotated = sinks.rotateSecret(id, QueryFlag.of("endOverlap", endOverlap));
        return Response.ok(SinkView.of(rotated.sink(), rotated.secret())).header("Cache-Control", "no-store").build();
    }

    /**
     * Holds a webhook sink's deliveries until it is enabled again: what is matched for it waits, in order (409 for
     * another channel).
     */
    @RolesAllowed({"operator", "subscriber"})
    @POST
    @Path("{id}/pause")
    public SinkView pause(@PathParam("id") UUID id) {
        visible(id);
        return SinkView.of(sinks.pause(id, Callers.subscriber(caller) == null));
    }

    /**
     * Re-enables a webhook sink that was paused or disabled (a 410 answer); what waited for it is sent in order. A
     * pause by an operator is lifted by an operator: the sink's subscriber gets 409.
     */
    @RolesAllowed({"operator", "subscriber"})
    @POST
    @Path("{id}/enable")
    public SinkView enable(@PathParam("id") UUID id) {
        visible(id);
        return SinkView.of(sinks.enable(id, Callers.subscriber(caller) == null));
    }

    @RolesAllowed({"viewer", "subscriber"})
    @GET
    @Path("{id}/status")
    public StatusView status(@PathParam("id") UUID id) {
        var sink = visible(id);
        if (sink.channel() == Channel.JMS) {
            var queue = jmsDeliveries.status(Sink.queueOf(id));
            return new StatusView(id, sink.enabled(), sink.disabledReason(), queue.held(), queue.acknowledged(),
                    queue.dead(), null, null, null, queue.inDelivery(), queue.consumers());
        }
        var status = ledger.status(id);
        return new StatusView(id, sink.enabled(), sink.disabledReason(), status.waiting(), status.delivered(),
                status.dead(), status.lastDelivery(), status.lastFailure(),
                breakers.state(id, Instant.now()).name().toLowerCase(Locale.ROOT), null, null);
    }

    /**
     * A page of the sink's dead letters, oldest first; {@code after} is the last {@code position} seen. Optional
     * filters: died in [{@code from}, {@code to}) (ISO-8601 instants), of one {@code subject}.
     */
    @RolesAllowed({"viewer", "subscriber"})
    @GET
    @Path("{id}/dead-letters")
    public List<DeliveryView> deadLetters(@PathParam("id") UUID id,
            @QueryParam("after") @DefaultValue("0") @Min(0) long after,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("subject") @Size(max = 8192) String subject) {
        Sink sink = deliveredSink(id);
        boolean subscriber = Callers.subscriber(caller) != null;
        // A subscriber sees of a dead letter its see grants no longer cover only what its pull feed would show of it
        // (docs/adr/0022): not its subject, source, id or the receiver's answer; asked for a subject its grants do
        // not cover, it gets nothing, so that asking is no way to learn whether an event about it died here.
        if (subscriber && subject != null && !seenNow.sees(sink, subject)) {
            return List.of();
        }
        var rows = ledger.deadLetters(id, after, limit, QueryInstant.of("from", from), QueryInstant.of("to", to),
                subject);
        if (!subscriber) {
            return rows.stream().map(DeliveryView::of).toList();
        }
        List<DeliveryView> seen = new ArrayList<>();
        for (var row : rows) {
            byte[] body = row.body(); // a dead letter whose body is gone cannot be judged: it is withheld
            seen.add(body != null && seenNow.withheld(sink, body) == null ? DeliveryView.of(row)
                    : DeliveryView.of(row).withheld());
        }
        return seen;
    }

    /** Puts the sink's dead letters that died in [from, to) back in line (all of them without a body). */
    @RolesAllowed({"operator", "subscriber"})
    @POST
    @Path("{id}/dead-letters/redrive")
    public Redriven redrive(@PathParam("id") UUID id, @Valid RedriveRequest request) {
        sentSink(id);
        return new Redriven(ledger.redrive(id, request == null ? null : request.from(),
                request == null ? null : request.to()));
    }

    /** Puts one dead letter back in line. */
    @RolesAllowed({"operator", "subscriber"})
    @POST
    @Path("{id}/dead-letters/{notification}/redrive")
    public Redriven redriveOne(@PathParam("id") UUID id, @PathParam("notification") String notification) {
        sentSink(id);
        if (!ledger.redriveOne(id, notification)) {
            throw TidingsException.notFound("dead letter", notification);
        }
        return new Redriven(1);
    }

    /** Gives one dead letter up; its record stays (status discarded, without the body) as the audit trail. */
    @RolesAllowed({"operator", "subscriber"})
    @DELETE
    @Path("{id}/dead-letters/{notification}")
    public void discard(@PathParam("id") UUID id, @PathParam("notification") String notification) {
        deliveredSink(id);
        if (!ledger.discard(id, notification)) {
            throw TidingsException.notFound("dead letter", notification);
        }
    }

    /** The sink, if the caller may see it: another subscriber's is not found, as one that does not exist. */
    private Sink visible(UUID id) {
        var sink = sinks.find(id);
        if (!Callers.sees(Callers.subscriber(caller), sink.ownerId())) {
            throw TidingsException.notFound("sink", id);
        }
        return sink;
    }

    /** A sink whose deliveries Tidings makes and records itself: a webhook or purge sink. */
    private Sink deliveredSink(UUID id) {
        var sink = visible(id);
        if (sink.channel() == Channel.JMS) {
            throw new TidingsException(ErrorCode.CONFLICT, "sink " + id + " is a JMS sink: its queue is read by "
                    + "its consumers, and Tidings keeps no record of their deliveries");
        }
        return sink;
    }

    /**
     * A sink Tidings sends to, whose dead letters a redrive can put back in line: a webhook or purge sink. A pull
     * sink's dead letters are events its subscriber's see grants did not cover when they were matched; nothing sends
     * them, and a redrive answered 200 for rows that died again at once (409: they are listed and discarded only).
     */
    private Sink sentSink(UUID id) {
        var sink = deliveredSink(id);
        if (sink.channel() == Channel.PULL) {
            throw new TidingsException(ErrorCode.CONFLICT, "sink " + id + " is a pull sink: its dead letters are "
                    + "events its subscriber's grants did not cover when they were matched, and nothing sends them "
                    + "again; they can be listed and discarded");
        }
        return sink;
    }

    /** {@code ?purge=true} discards notifications still queued for the sink; without it such a sink stays (409). */
    @DELETE
    @Path("{id}")
    public void delete(@PathParam("id") UUID id, @QueryParam("purge") String purgeFlag) {
        boolean purge = QueryFlag.of("purge", purgeFlag);
        visible(id);
        sinks.delete(id, purge);
    }
}
