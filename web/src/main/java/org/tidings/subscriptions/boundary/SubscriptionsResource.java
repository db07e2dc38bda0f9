package org.tidings.subscriptions.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.tidings.subscriptions.entity.Filter;
import org.tidings.subscriptions.entity.FilterConverter;
import org.tidings.subscriptions.entity.Subscription;

@RolesAllowed("admin")
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
    public record SubscriptionRequest(@NotNull UUID sinkId, @NotNull @Valid FilterBody filter, Instant expiresAt) {
    }

    public record SubscriptionUpdate(@NotNull @Valid FilterBody filter, Instant expiresAt) {
    }

    public record SubscriptionView(UUID id, UUID sinkId, Filter filter, Instant expiresAt, Instant createdAt) {
        static SubscriptionView of(Subscription s) {
            return new SubscriptionView(s.id(), s.sinkId(), s.filter(), s.expiresAt(), s.createdAt());
        }
    }

    @EJB
    Subscriptions subscriptions;

    @POST
    public Response create(@NotNull @Valid SubscriptionRequest request, @Context UriInfo uri) {
        var subscription = subscriptions.create(request.sinkId(), request.filter().toFilter(),
                request.expiresAt());
        return Response.created(uri.getAbsolutePathBuilder().path(subscription.id().toString()).build())
                .entity(SubscriptionView.of(subscription)).build();
    }

    @RolesAllowed("viewer")
    @GET
    public List<SubscriptionView> all(@QueryParam("sinkId") UUID sinkId) {
        var found = sinkId == null ? subscriptions.all() : subscriptions.ofSink(sinkId);
        return found.stream().map(SubscriptionView::of).toList();
    }

    @RolesAllowed("viewer")
    @GET
    @Path("{id}")
    public SubscriptionView one(@PathParam("id") UUID id) {
        return SubscriptionView.of(subscriptions.find(id));
    }

    @PUT
    @Path("{id}")
    public SubscriptionView update(@PathParam("id") UUID id, @NotNull @Valid SubscriptionUpdate update) {
        return SubscriptionView.of(subscriptions.update(id, update.filter().toFilter(), update.expiresAt()));
    }

    @DELETE
    @Path("{id}")
    public void delete(@PathParam("id") UUID id) {
        subscriptions.delete(id);
    }
}
