package org.tidings.subscriptions.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
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
import java.util.Set;
import java.util.UUID;
import org.tidings.platform.BoundedBody;
import org.tidings.platform.Listing;
import org.tidings.platform.Pages;
import org.tidings.platform.TidingsException;
import org.tidings.platform.security.Callers;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.subscriptions.entity.StringSetConverter;

/**
 * Resource groups: URI prefixes plus member URIs that caches subscribe to as one (RUP-6). A subscriber manages its
 * own groups, and only its own appear in its subscriptions (LST-3); administrators see and manage all.
 */
@RolesAllowed({"admin", "subscriber"})
@Path("api/groups")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class GroupsResource {

    private static final String URI = "[A-Za-z][A-Za-z0-9+.-]*:\\S*";

    /**
     * 13 MiB: a group whose prefixes and members each fill their column (1,000,000 characters as stored) with
     * characters that JSON may spell as six bytes each (a u-escape), so that no group the columns hold is refused as
     * too large (JsonBodies' default is 2 MiB).
     */
    static final int GROUP_BYTES = 13 * 1024 * 1024;

    public record GroupRequest(
            @NotBlank @Size(max = 200) String name,
            @NotNull @Size(max = 10_000) Set<@NotBlank @Size(max = 2000) @Pattern(regexp = URI,
                    message = "must be an absolute URI or URI prefix") String> prefixes,
            @NotNull @Size(max = 10_000) Set<@NotBlank @Size(max = 2000) @Pattern(regexp = URI,
                    message = "must be an absolute URI") String> members) {

        /** Refuses sets whose stored form would not fit their columns, before any write. */
        void requireStorable() {
            StringSetConverter.requireStorable(prefixes);
            StringSetConverter.requireStorable(members);
        }
    }

    public record GroupView(UUID id, String name, Set<String> prefixes, Set<String> members, Instant createdAt) {
        static GroupView of(ResourceGroup g) {
            return new GroupView(g.id(), g.name(), g.prefixes(), g.members(), g.createdAt());
        }
    }

    @EJB
    Groups groups;

    @Context
    HttpServletRequest caller;

    @POST
    @BoundedBody(bytes = GROUP_BYTES)
    public Response create(@NotNull @Valid GroupRequest request, @Context UriInfo uri) {
        request.requireStorable();
        var group = groups.create(Callers.subscriber(caller), request.name(), request.prefixes(), request.members());
        return Response.created(uri.getAbsolutePathBuilder().path(group.id().toString()).build())
                .entity(GroupView.of(group)).build();
    }

    @RolesAllowed({"viewer", "subscriber"})
    @GET
    public Response all(@QueryParam("after") String after,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(Listing.MAX_LIMIT) int limit, @Context UriInfo uri) {
        var page = groups.page(Callers.subscriber(caller), Pages.after(after), limit);
        return Pages.of(uri, page, page.map(GroupView::of), limit);
    }

    @RolesAllowed({"viewer", "subscriber"})
    @GET
    @Path("{id}")
    public GroupView one(@PathParam("id") UUID id) {
        return GroupView.of(visible(id));
    }

    @PUT
    @BoundedBody(bytes = GROUP_BYTES)
    @Path("{id}")
    public GroupView update(@PathParam("id") UUID id, @NotNull @Valid GroupRequest request) {
        request.requireStorable();
        visible(id);
        return GroupView.of(groups.update(id, request.name(), request.prefixes(), request.members()));
    }

    @DELETE
    @Path("{id}")
    public void delete(@PathParam("id") UUID id) {
        visible(id);
        groups.delete(id);
    }

    /** The group, if the caller may see it: another subscriber's is not found, as one that does not exist. */
    private ResourceGroup visible(UUID id) {
        var group = groups.find(id);
        if (!Callers.sees(Callers.subscriber(caller), group.ownerId())) {
            throw TidingsException.notFound("resource group", id);
        }
        return group;
    }
}
