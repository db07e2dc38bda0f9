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
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.Listing;
import org.tidings.platform.Pages;
import org.tidings.platform.TidingsException;
import org.tidings.trust.entity.Grant;
import org.tidings.trust.entity.GrantKind;
import org.tidings.trust.entity.PrincipalKind;

/**
 * Grants, the trust relationships (S2S-11, docs/adr/0022): {@code send} and {@code route} grants of a source,
 * {@code see} grants of a subscriber. Default is deny. Admins create and revoke them; viewers read them; listing one
 * principal's grants shows everything it may do.
 */
@RolesAllowed("admin")
@Path("api/grants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class GrantsResource {

    /**
     * Either {@code all: true} or what is allowed: types and typePrefixes (send); subjects, domains, prefixes and
     * resource groups of the administrators (route, see).
     */
    public record GrantRequest(
            @NotNull @Pattern(regexp = "source|subscriber", message = "must be source or subscriber")
            String principalKind,
            @NotNull UUID principalId,
            @NotNull @Pattern(regexp = "send|route|see", message = "must be send, route or see") String kind,
            Boolean all,
            @Size(max = 100) Set<@NotBlank @Size(max = 500) String> types,
            @Size(max = 100) Set<@NotBlank @Size(max = 500) String> typePrefixes,
            @Size(max = 1000) Set<@NotBlank @Size(max = 2000) String> subjects,
            @Size(max = 100) Set<@NotBlank @Size(max = 500) String> subjectDomains,
            @Size(max = 100) Set<@NotBlank @Size(max = 2000) String> subjectPrefixes,
            @Size(max = 100) Set<@NotNull UUID> groups) {
    }

    public record GrantView(UUID id, String principalKind, UUID principalId, String kind, boolean all,
            Set<String> types, Set<String> typePrefixes, Set<String> subjects, Set<String> subjectDomains,
            Set<String> subjectPrefixes, Set<UUID> groups, Instant createdAt) {
        static GrantView of(Grant g) {
            return new GrantView(g.id(), g.principalKind().label(), g.principalId(), g.kind().label(),
                    g.allAllowed(), g.types(), g.typePrefixes(), g.subjects(), g.subjectDomains(),
                    g.subjectPrefixes(), g.groups(), g.createdAt());
        }
    }

    @EJB
    Grants grants;

    @POST
    public Response create(@NotNull @Valid GrantRequest request, @Context UriInfo uri) {
        PrincipalKind principal = PrincipalKind.valueOf(request.principalKind().toUpperCase(Locale.ROOT));
        var grant = grants.create(principal, request.principalId(), GrantKind.named(request.kind()),
                Boolean.TRUE.equals(request.all()), set(request.types()), set(request.typePrefixes()),
                set(request.subjects()), set(request.subjectDomains()), set(request.subjectPrefixes()),
                request.groups() == null ? Set.of() : request.groups());
        return Response.created(uri.getAbsolutePathBuilder().path(grant.id().toString()).build())
                .entity(GrantView.of(grant)).build();
    }

    /** Every grant, or one principal's ({@code principalKind} and {@code principalId} together). */
    @RolesAllowed("viewer")
    @GET
    public Response all(@QueryParam("principalKind") String principalKind,
            @QueryParam("principalId") UUID principalId, @QueryParam("after") String after,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(Listing.MAX_LIMIT) int limit, @Context UriInfo uri) {
        PrincipalKind kind = null;
        if (principalKind != null || principalId != null) {
            if (principalId == null || !Set.of("source", "subscriber").contains(String.valueOf(principalKind))) {
                throw new TidingsException(ErrorCode.INVALID_REQUEST,
                        "principalKind (source or subscriber) and principalId go together");
            }
            kind = PrincipalKind.valueOf(principalKind.toUpperCase(Locale.ROOT));
        }
        var page = grants.page(kind, principalId, Pages.after(after), limit);
        return Pages.of(uri, page, page.map(GrantView::of), limit);
    }

    @RolesAllowed("viewer")
    @GET
    @Path("{id}")
    public GrantView one(@PathParam("id") UUID id) {
        return GrantView.of(grants.find(id));
    }

    /** Revokes the grant: what it allowed stops on this instance before this answer, on the others at once. */
    @DELETE
    @Path("{id}")
    public void delete(@PathParam("id") UUID id) {
        grants.delete(id);
    }

    private static Set<String> set(Set<String> values) {
        return values == null ? Set.of() : values;
    }
}
