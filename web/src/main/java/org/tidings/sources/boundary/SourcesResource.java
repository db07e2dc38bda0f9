package org.tidings.sources.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import java.time.Instant;
import java.util.UUID;
import org.tidings.platform.Listing;
import org.tidings.platform.Pages;
import org.tidings.sources.entity.Source;
import org.tidings.sources.entity.SourceQuota;

@RolesAllowed("admin")
@Path("api/sources")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SourcesResource {

    public record SourceRequest(
            @NotBlank @Size(max = 200) String name,
            @NotBlank @Size(max = 2000) @Pattern(regexp = "[A-Za-z][A-Za-z0-9+.-]*:\\S+",
                    message = "must be an absolute URI") String uri,
            @Size(max = 2000) String description,
            @Size(max = 200) @Pattern(regexp = BROKER_USER, message = BROKER_USER_MESSAGE) String brokerUser) {
    }

    /** The broker user that speaks for a source from now on; null or absent: none does (docs/adr/0021). */
    public record BrokerUserRequest(
            @Size(max = 200) @Pattern(regexp = BROKER_USER, message = BROKER_USER_MESSAGE) String brokerUser) {
    }

    /**
     * A source's own quota (docs/adr/0017); a null or absent part is the configured default. The maxima only keep
     * the numbers sane: a source that needs more needs no quota.
     */
    public record QuotaRequest(
            @DecimalMin(value = "0", inclusive = false) @DecimalMax("1000000000") Double eventsPerSecond,
            @Min(1) @Max(1_000_000_000) Long burst,
            @Min(1) @Max(1_000_000_000) Long maxQueued) {
    }

    public record QuotaView(Double eventsPerSecond, Long burst, Long maxQueued) {
        static QuotaView of(SourceQuota q) {
            return new QuotaView(q.eventsPerSecond(), q.burst(), q.maxQueued());
        }
    }

    public record SourceView(UUID id, String name, String uri, String description, String brokerUser,
                             Instant createdAt, QuotaView quota) {
        static SourceView of(Source s) {
            return new SourceView(s.id(), s.name(), s.uri(), s.description(), s.brokerUser(), s.createdAt(),
                    QuotaView.of(s.quota()));
        }
    }

    /**
     * The broker user Tidings just provisioned for a source, with its password: shown in this answer only, stored
     * nowhere in Tidings (the broker keeps its hash).
     */
    public record BrokerCredentialsView(UUID sourceId, String brokerUser, String password) {
        @Override
        public String toString() {
            return "BrokerCredentialsView[sourceId=" + sourceId + ", brokerUser=" + brokerUser + ", password=(not shown)]";
        }
    }

    /** A broker user name as the broker's users file holds it: visible characters, no separators. */
    static final String BROKER_USER = "[^\\s=:,#!]+";
    static final String BROKER_USER_MESSAGE = "must be a broker user name: no spaces, '=', ':', ',', '#' or '!'";

    @EJB
    Sources sources;

    @POST
    public Response create(@NotNull @Valid SourceRequest request, @Context UriInfo uri) {
        var source = sources.create(request.name(), request.uri(), request.description(), request.brokerUser());
        return Response.created(uri.getAbsolutePathBuilder().path(source.id().toString()).build())
                .entity(SourceView.of(source)).build();
    }

    @RolesAllowed("viewer")
    @GET
    public Response all(@QueryParam("after") String after,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(Listing.MAX_LIMIT) int limit, @Context UriInfo uri) {
        var page = sources.page(Pages.after(after), limit);
        return Pages.of(uri, page, page.map(SourceView::of), limit);
    }

    @RolesAllowed("viewer")
    @GET
    @Path("{id}")
    public SourceView one(@PathParam("id") UUID id) {
        return SourceView.of(sources.find(id));
    }

    @PUT
    @Path("{id}/broker-user")
    public SourceView spokenForBy(@PathParam("id") UUID id, @NotNull @Valid BrokerUserRequest request) {
        return SourceView.of(sources.spokenForBy(id, request.brokerUser()));
    }

    /**
     * Tidings makes the source's own broker user (role tidings-source), or gives it a new password, and names it on
     * the source (docs/adr/0021). The password is in this answer only.
     */
    @POST
    @Path("{id}/broker-credentials")
    public Response provisionBrokerUser(@PathParam("id") UUID id) {
        var credentials = sources.provisionBrokerUser(id);
        return Response.ok(new BrokerCredentialsView(id, credentials.user(), credentials.password()))
                .header("Cache-Control", "no-store").build();
    }

    /** Removes the broker user Tidings made for the source, and takes it off the source if the source names it. */
    @DELETE
    @Path("{id}/broker-credentials")
    public SourceView removeBrokerUser(@PathParam("id") UUID id) {
        return SourceView.of(sources.removeBrokerUser(id));
    }

    @PUT
    @Path("{id}/quota")
    public SourceView limitedTo(@PathParam("id") UUID id, @NotNull @Valid QuotaRequest request) {
        return SourceView.of(sources.limitedTo(id, request.eventsPerSecond(), request.burst(), request.maxQueued()));
    }

    @DELETE
    @Path("{id}")
    public void delete(@PathParam("id") UUID id) {
        sources.delete(id);
    }
}
