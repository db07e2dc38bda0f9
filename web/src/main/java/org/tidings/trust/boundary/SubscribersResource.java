package org.tidings.trust.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.UUID;
import org.tidings.platform.Listing;
import org.tidings.platform.Pages;
import org.tidings.trust.entity.Subscriber;

/** Subscribers: the parties that own subscriptions and sinks. Admins provision them; viewers read them. */
@RolesAllowed("admin")
@Path("api/subscribers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SubscribersResource {

    public record SubscriberRequest(@NotBlank @Size(max = 200) String name, @Size(max = 2000) String description) {
    }

    public record SubscriberView(UUID id, String name, String description, Instant createdAt) {
        static SubscriberView of(Subscriber s) {
            return new SubscriberView(s.id(), s.name(), s.description(), s.createdAt());
        }
    }

    @EJB
    Subscribers subscribers;

    @POST
    public Response create(@NotNull @Valid SubscriberRequest request, @Context UriInfo uri) {
        var subscriber = subscribers.create(request.name(), request.description());
        return Response.created(uri.getAbsolutePathBuilder().path(subscriber.id().toString()).build())
                .entity(SubscriberView.of(subscriber)).build();
    }

    @RolesAllowed("viewer")
    @GET
    public Response all(@QueryParam("after") String after,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(Listing.MAX_LIMIT) int limit, @Context UriInfo uri) {
        var page = subscribers.page(Pages.after(after), limit);
        return Pages.of(uri, page, page.map(SubscriberView::of), limit);
    }

    @RolesAllowed("viewer")
    @GET
    @Path("{id}")
    public SubscriberView one(@PathParam("id") UUID id) {
        return SubscriberView.of(subscribers.find(id));
    }

    /** A subscriber's broker user with its password: shown in this answer only, stored nowhere in Tidings. */
    public record BrokerCredentialsView(UUID subscriberId, String brokerUser, String password) {
        @Override
        public String toString() {
            return "BrokerCredentialsView[subscriberId=" + subscriberId + ", brokerUser=" + brokerUser
                    + ", password=(not shown)]";
        }
    }

    /**
     * Tidings makes the subscriber's own broker user, which may consume and browse its JMS sinks' queues and nothing
     * else, or gives it a new password (docs/adr/0021). The password is in this answer only.
     */
    @POST
    @Path("{id}/broker-credentials")
    public Response provisionBrokerUser(@PathParam("id") UUID id) {
        var credentials = subscribers.provisionBrokerUser(id);
        return Response.ok(new BrokerCredentialsView(id, credentials.user(), credentials.password()))
                .header("Cache-Control", "no-store").build();
    }

    /** Removes the subscriber's broker user. */
    @DELETE
    @Path("{id}/broker-credentials")
    public void removeBrokerUser(@PathParam("id") UUID id) {
        subscribers.removeBrokerUser(id);
    }

    /** Deletes the subscriber and revokes its tokens. */
    @DELETE
    @Path("{id}")
    public void delete(@PathParam("id") UUID id) {
        subscribers.delete(id);
    }
}
