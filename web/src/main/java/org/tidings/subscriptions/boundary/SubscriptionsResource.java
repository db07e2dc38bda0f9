package org.tidings.subscriptions.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.tidings.platform.BoundedBody;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.JsonBodies;
import org.tidings.platform.Listing;
import org.tidings.platform.Pages;
import org.tidings.platform.StorableInstant;
import org.tidings.platform.TidingsException;
import org.tidings.platform.security.Callers;
import org.tidings.sinks.boundary.Sinks;
import org.tidings.sinks.entity.Sink;
import org.tidings.subscriptions.entity.Filter;
import org.tidings.subscriptions.entity.FilterConverter;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.subscriptions.entity.Subscription;
import org.tidings.trust.boundary.GrantDirectory;

/**
 * Subscriptions. A subscription belongs to its sink's owner: a subscriber subscribes its own sinks, with only its own
 * resource groups in the filter (LST-3), and sees only its own subscriptions; another's answer 404 as if they did not
 * exist. Administrators see and manage all (docs/adr/0018).
 */
@RolesAllowed({"admin", "subscriber"})
@Path("api/subscriptions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SubscriptionsResource {

    /** Every part optional; all given parts must hold. See {@link Filter}. */
    public record FilterBody(
            @Size(max = 1000) Set<@NotBlank @Size(max = 500) String> types,
            @Size(max = 1000) Set<@NotBlank @Size(max = 500) String> typePrefixes,
            @Size(max = 1000) Set<@NotBlank @Size(max = 2000) String> sources,
            @Size(max = 10000) Set<@NotBlank @Size(max = 2000) String> subjects,
            @Size(max = 1000) Set<@NotBlank @Size(max = 500) String> subjectDomains,
            @Size(max = 1000) Set<@NotBlank @Size(max = 2000) String> subjectPrefixes,
            @Size(max = 1000) Set<@NotNull UUID> groups,
            String expression) { // its limits (length included) are FilterExpression's: invalid-filter

        /** The filter, refused with invalid-filter if its stored form would not fit its column. */
        Filter toFilter() {
            var filter = new Filter(types, typePrefixes, sources, subjects, subjectDomains, subjectPrefixes, groups,
                    expression);
            FilterConverter.requireStorable(filter);
            return filter;
        }
    }

    /** {@code expiresAt} is optional: without it the subscription stands until deleted. */
    public record SubscriptionRequest(@NotNull UUID sinkId, @NotNull @Valid FilterBody filter,
            @StorableInstant Instant expiresAt) {
    }

    /** Up to {@value #BATCH_LIMIT} subscriptions to create at once, all or none, in {@value #BATCH_BYTES} bytes. */
    public record SubscriptionBatch(
            @NotNull @Size(min = 1, max = BATCH_LIMIT) List<@NotNull @Valid SubscriptionRequest> subscriptions) {
    }

    /** What a batch created, in the order asked. */
    public record CreatedBatch(List<SubscriptionView> subscriptions) {
    }

    static final int BATCH_LIMIT = 1000;
    /** 8 MiB: a full batch of subscriptions of some forty URIs each. */
    static final int BATCH_BYTES = 8 * 1024 * 1024;

    public record SubscriptionUpdate(@NotNull @Valid FilterBody filter, @StorableInstant Instant expiresAt) {
    }

    public record SubscriptionView(UUID id, UUID sinkId, Filter filter, Instant expiresAt, Instant createdAt) {
        static SubscriptionView of(Subscription s) {
            return new SubscriptionView(s.id(), s.sinkId(), s.filter(), s.expiresAt(), s.createdAt());
        }
    }

    @EJB
    Subscriptions subscriptions;

    @EJB
    Sinks sinks;

    @EJB
    Groups groups;

    @EJB
    GrantDirectory grantDirectory;

    @Context
    HttpServletRequest caller;

    /**
     * One subscription. With an Idempotency-Key (docs/adr/0024), a retry with the same key and body gets the first
     * answer (the subscription as it is now, or its id alone if deleted since) instead of a second subscription.
     */
    @POST
    public Response create(@NotNull @Valid SubscriptionRequest request, @Context UriInfo uri,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey) {
        var idempotency = idempotency(idempotencyKey, Subscriptions.CREATE_OPERATION);
        if (idempotency != null) {
            var before = subscriptions.remembered(idempotency.caller(), idempotency.operation(), idempotency.key());
            if (before.isPresent()) {
                SubscriptionView view = replayed(before.get(), idempotency).get(0);
                return Response.created(uri.getAbsolutePathBuilder().path(view.id().toString()).build())
                        .header(REPLAYED, "true").entity(view).build();
            }
        }
        requirePermitted(Callers.subscriber(caller), sinks.byId(request.sinkId()), request, new HashMap<>());
        var wanted = new Subscriptions.NewSubscription(request.sinkId(), request.filter().toFilter(),
                request.expiresAt());
        var subscription = idempotency == null
                ? subscriptions.create(wanted.sinkId(), wanted.filter(), wanted.expiresAt())
                : subscriptions.createOnce(wanted, idempotency);
        return Response.created(uri.getAbsolutePathBuilder().path(subscription.id().toString()).build())
                .entity(SubscriptionView.of(subscription)).build();
    }

    /** The answer's header that says it repeats an earlier one (as Stripe names it). */
    static final String REPLAYED = "Idempotent-Replayed";

    /** The request's Idempotency-Key for this call, or null if it has none. */
    private Subscriptions.Idempotency idempotency(String key, String operation) {
        if (key == null) {
            return null;
        }
        var idempotency = new Subscriptions.Idempotency(callerKey(), operation, checkedKey(key),
                (byte[]) caller.getAttribute(JsonBodies.BODY_SHA256));
        if (idempotency.fingerprint() == null) { // not read as JSON by Tidings' own reader
            throw new TidingsException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "a subscription is application/json");
        }
        return idempotency;
    }

    /**
     * What an earlier request with the same key created, in its order, as it is now (one deleted since by its id
     * alone); idempotency-key-reused if that request had another body.
     */
    private List<SubscriptionView> replayed(Subscriptions.Remembered before, Subscriptions.Idempotency idempotency) {
        if (!MessageDigest.isEqual(before.fingerprint(), idempotency.fingerprint())) {
            throw new TidingsException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "this Idempotency-Key was used within the "
                    + "last " + Subscriptions.IDEMPOTENCY_WINDOW.toHours() + " hours for a request with another "
                    + "body; nothing was created");
        }
        Map<UUID, Subscription> now = new HashMap<>();
        subscriptions.existing(before.createdIds()).forEach(s -> now.put(s.id(), s));
        return before.createdIds().stream().map(id -> now.containsKey(id) ? SubscriptionView.of(now.get(id))
                : new SubscriptionView(id, null, null, null, null)).toList();
    }

    /**
     * Many subscriptions in one call and one transaction, all or none (docs/adr/0024): each item is checked as
     * {@link #create} checks one, and the first refused item refuses the batch with its code, the detail naming it by
     * its index ({@code subscriptions[3]: ...}). 201 with the created subscriptions in the order asked.
     */
    @POST
    @Path("batch")
    @BoundedBody(bytes = BATCH_BYTES)
    public Response createAll(@NotNull @Valid SubscriptionBatch batch,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey) {
        var idempotency = idempotency(idempotencyKey, Subscriptions.BATCH_OPERATION);
        if (idempotency != null) {
            var before = subscriptions.remembered(idempotency.caller(), idempotency.operation(), idempotency.key());
            if (before.isPresent()) { // a retry: the first answer again, nothing created
                return Response.status(Response.Status.CREATED).header(REPLAYED, "true")
                        .entity(new CreatedBatch(replayed(before.get(), idempotency))).build();
            }
        }
        UUID subscriber = Callers.subscriber(caller);
        Map<UUID, Sink> sinksNamed = new HashMap<>();
        Map<UUID, Optional<UUID>> groupOwners = new HashMap<>(); // each sink and group read once per batch
        List<Subscriptions.NewSubscription> wanted = new ArrayList<>(batch.subscriptions().size());
        for (int i = 0; i < batch.subscriptions().size(); i++) {
            var request = batch.subscriptions().get(i);
            try {
                Sink sink = sinksNamed.computeIfAbsent(request.sinkId(), sinks::byId);
                requirePermitted(subscriber, sink, request, groupOwners);
                wanted.add(new Subscriptions.NewSubscription(request.sinkId(), request.filter().toFilter(),
                        request.expiresAt()));
            } catch (TidingsException e) {
                throw new TidingsException(e.code(), "subscriptions[" + i + "]: " + e.getMessage(), e);
            }
        }
        var created = subscriptions.createAll(wanted, idempotency);
        return Response.status(Response.Status.CREATED)
                .entity(new CreatedBatch(created.stream().map(SubscriptionView::of).toList())).build();
    }

    /** The header of the IETF's draft "The Idempotency-Key HTTP Header Field". */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** 1 to 255 printable ASCII characters (a UUID, say), else invalid-request. */
    static String checkedKey(String key) {
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, "Idempotency-Key must be 1 to 255 printable ASCII "
                    + "characters");
        }
        return key;
    }

    /** Whose key it is: a key is the caller's own, so two callers may use the same one. */
    private String callerKey() {
        var identity = Callers.identity(caller);
        return identity == null ? "anonymous" : identity.kind().label() + ":" + identity.principalId();
    }

    /**
     * A subscriber subscribes only its own sinks, naming only its own groups; anyone's subscription stays inside its
     * owner's grants. A sink that does not exist is the EJB's to refuse for an administrator.
     */
    private void requirePermitted(UUID subscriber, Sink sink, SubscriptionRequest request,
            Map<UUID, Optional<UUID>> groupOwners) {
        if (subscriber != null) {
            if (sink == null || !subscriber.equals(sink.ownerId())) {
                throw new TidingsException(ErrorCode.UNKNOWN_SINK, "sink " + request.sinkId() + " does not exist");
            }
            requireOwnGroups(subscriber, request.filter(), groupOwners);
        }
        if (sink != null) {
            requireWithinGrants(sink.ownerId(), request.filter());
        }
    }

    @RolesAllowed({"viewer", "subscriber"})
    @GET
    public Response all(@QueryParam("sinkId") UUID sinkId, @QueryParam("after") String after,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(Listing.MAX_LIMIT) int limit, @Context UriInfo uri) {
        // a subscriber's own only: of another's sink, none
        var page = subscriptions.page(Callers.subscriber(caller), sinkId, Pages.after(after), limit);
        return Pages.of(uri, page, page.map(SubscriptionView::of), limit);
    }

    @RolesAllowed({"viewer", "subscriber"})
    @GET
    @Path("{id}")
    public SubscriptionView one(@PathParam("id") UUID id) {
        return SubscriptionView.of(visible(id));
    }

    @PUT
    @Path("{id}")
    public SubscriptionView update(@PathParam("id") UUID id, @NotNull @Valid SubscriptionUpdate update) {
        requireWithinGrants(visible(id).ownerId(), update.filter());
        UUID subscriber = Callers.subscriber(caller);
        if (subscriber != null) {
            requireOwnGroups(subscriber, update.filter(), new HashMap<>());
        }
        return SubscriptionView.of(subscriptions.update(id, update.filter().toFilter(), update.expiresAt()));
    }

    @DELETE
    @Path("{id}")
    public void delete(@PathParam("id") UUID id) {
        visible(id);
        subscriptions.delete(id);
    }

    /** The subscription, if the caller may see it (it owns its sink): else not found, as one that does not exist. */
    private Subscription visible(UUID id) {
        var subscription = subscriptions.find(id);
        UUID subscriber = Callers.subscriber(caller);
        if (subscriber != null) {
            Sink sink = sinks.byId(subscription.sinkId());
            if (sink == null || !subscriber.equals(sink.ownerId())) {
                throw TidingsException.notFound("subscription", id);
            }
        }
        return subscription;
    }

    /**
     * A subscriber's subscription stays inside what its see grants allow (S2S-11 a): creating or widening one beyond
     * them is 403 not-authorized. Matching checks every event against the grants as well; this refuses at once what
     * could never deliver everything it asks for. The administrators' subscriptions have no owner and no limit.
     */
    private void requireWithinGrants(UUID owner, FilterBody filter) {
        if (owner != null && !grantDirectory.seen(owner).contains(set(filter.subjects()),
                set(filter.subjectDomains()), set(filter.subjectPrefixes()))) {
            throw new TidingsException(ErrorCode.NOT_AUTHORIZED, "the subscription reaches subjects its owner holds "
                    + "no see grant for: name subjects, subjectDomains or subjectPrefixes inside its grants");
        }
    }

    private static Set<String> set(Set<String> values) {
        return values == null ? Set.of() : values;
    }

    /**
     * A subscriber's filter names only resource groups it owns (LST-3): 403 not-authorized otherwise. {@code owners}
     * keeps each group's owner once read (empty: no such group), for the items of a batch.
     */
    private void requireOwnGroups(UUID subscriber, FilterBody filter, Map<UUID, Optional<UUID>> owners) {
        if (filter.groups() == null) {
            return;
        }
        for (UUID group : filter.groups()) {
            Optional<UUID> owner = owners.computeIfAbsent(group,
                    id -> Optional.ofNullable(groups.byId(id)).map(ResourceGroup::ownerId));
            if (!owner.map(subscriber::equals).orElse(false)) {
                throw new TidingsException(ErrorCode.NOT_AUTHORIZED, "resource group " + group
                        + " is not one of yours: a subscription may name only its owner's groups");
            }
        }
    }
}
