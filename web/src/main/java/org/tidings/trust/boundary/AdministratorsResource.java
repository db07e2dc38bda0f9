package org.tidings.trust.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.validation.Valid;
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
import org.tidings.trust.entity.AdminRole;
import org.tidings.trust.entity.Administrator;

/** Administrators: people and tools with the admin, operator or viewer role. Only admins manage them. */
@RolesAllowed("admin")
@Path("api/administrators")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdministratorsResource {

    public record AdministratorRequest(
            @NotBlank @Size(max = 200) String name,
            @NotNull @Pattern(regexp = "admin|operator|viewer", message = "must be admin, operator or viewer")
            String role) {
    }

    public record AdministratorView(UUID id, String name, String role, Instant createdAt) {
        static AdministratorView of(Administrator a) {
            return new AdministratorView(a.id(), a.name(), a.role().label(), a.createdAt());
        }
    }

    @EJB
    Administrators administrators;

    @POST
    public Response create(@NotNull @Valid AdministratorRequest request, @Context UriInfo uri) {
        var administrator = administrators.create(request.name(), AdminRole.named(request.role()));
        return Response.created(uri.getAbsolutePathBuilder().path(administrator.id().toString()).build())
                .entity(AdministratorView.of(administrator)).build();
    }

    @GET
    public Response all(@QueryParam("after") String after,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(Listing.MAX_LIMIT) int limit, @Context UriInfo uri) {
        var page = administrators.page(Pages.after(after), limit);
        return Pages.of(uri, page, page.map(AdministratorView::of), limit);
    }

    @GET
    @Path("{id}")
    public AdministratorView one(@PathParam("id") UUID id) {
        return AdministratorView.of(administrators.find(id));
    }

    /** Deletes the administrator and revokes its tokens; the last admin cannot be deleted (409). */
    @DELETE
    @Path("{id}")
    public void delete(@PathParam("id") UUID id) {
        administrators.delete(id);
    }
}
