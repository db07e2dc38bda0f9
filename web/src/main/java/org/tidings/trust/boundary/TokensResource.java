package org.tidings.trust.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
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
import org.tidings.platform.StorableInstant;
import org.tidings.sources.boundary.Sources;
import org.tidings.trust.entity.AccessToken;
import org.tidings.trust.entity.PrincipalKind;

/**
 * The bearer tokens of one kind of principal, under its own path ({@code api/<kind>/{id}/tokens}: one subclass per
 * kind, since JAX-RS picks the class with the longest literal path and would never reach a shared template). A
 * token's text is in the answer to its creation and nowhere else, ever (docs/adr/0018); lists show its prefix. Only
 * admins issue, list and revoke tokens.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public abstract class TokensResource {

    @RolesAllowed("admin")
    @Path("api/administrators/{id}/tokens")
    public static class OfAdministrators extends TokensResource {
        @Override
        PrincipalKind kind() {
            return PrincipalKind.ADMINISTRATOR;
        }
    }

    @RolesAllowed("admin")
    @Path("api/sources/{id}/tokens")
    public static class OfSources extends TokensResource {
        @Override
        PrincipalKind kind() {
            return PrincipalKind.SOURCE;
        }
    }

    @RolesAllowed("admin")
    @Path("api/subscribers/{id}/tokens")
    public static class OfSubscribers extends TokensResource {
        @Override
        PrincipalKind kind() {
            return PrincipalKind.SUBSCRIBER;
        }
    }

    abstract PrincipalKind kind();

    /** Both optional: a label to tell the token apart, and when it stops working (never, if absent). */
    public record TokenRequest(@Size(max = 200) String label, @Future @StorableInstant Instant expiresAt) {
    }

    public record TokenView(UUID id, String prefix, String label, Instant createdAt, Instant expiresAt,
            Instant revokedAt, Instant lastUsedAt) {
        static TokenView of(AccessToken t) {
            return new TokenView(t.id(), t.prefix(), t.label(), t.createdAt(), t.expiresAt(), t.revokedAt(),
                    t.lastUsedAt());
        }
    }

    /** The answer to a creation: the token's text, shown this once. */
    public record IssuedView(UUID id, String prefix, String label, Instant createdAt, Instant expiresAt,
            String token) {
    }

    @EJB
    Tokens tokens;

    @EJB
    Administrators administrators;

    @EJB
    Subscribers subscribers;

    @EJB
    Sources sources;

    @POST
    public Response issue(@PathParam("id") UUID id, @Valid TokenRequest request, @Context UriInfo uri) {
        PrincipalKind principal = existing(id);
        var issued = tokens.issue(principal, id, request == null ? null : request.label(),
                request == null ? null : request.expiresAt());
        AccessToken t = issued.token();
        return Response.created(uri.getAbsolutePathBuilder().path(t.id().toString()).build())
                .header("Cache-Control", "no-store")
                .entity(new IssuedView(t.id(), t.prefix(), t.label(), t.createdAt(), t.expiresAt(), issued.text()))
                .build();
    }

    @GET
    public Response all(@PathParam("id") UUID id, @QueryParam("after") String after,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(Listing.MAX_LIMIT) int limit, @Context UriInfo uri) {
        var page = tokens.page(existing(id), id, Pages.after(after), limit);
        return Pages.of(uri, page, page.map(TokenView::of), limit);
    }

    /** Revokes the token at once on this instance, and on every other as soon as it hears of the change. */
    @DELETE
    @Path("{token}")
    public TokenView revoke(@PathParam("id") UUID id, @PathParam("token") UUID token) {
        return TokenView.of(tokens.revoke(kind(), id, token));
    }

    /** The kind of principal the path names, once it is known to exist (404 otherwise). */
    private PrincipalKind existing(UUID id) {
        PrincipalKind principal = kind();
        switch (principal) {
            case ADMINISTRATOR -> administrators.find(id);
            case SOURCE -> sources.find(id);
            case SUBSCRIBER -> subscribers.find(id);
        }
        return principal;
    }
}
