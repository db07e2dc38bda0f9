package org.tidings.trust.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.platform.security.Callers;
import org.tidings.trust.control.Identity;

/** Who the caller's token says it is: what a tool checks before it starts, and the console shows. */
@RolesAllowed({"viewer", "source", "subscriber"})
@Path("api/caller")
@Produces(MediaType.APPLICATION_JSON)
public class CallerResource {

    public record CallerView(String principal, String kind, UUID id, List<String> roles) {
    }

    @GET
    public CallerView caller(@Context HttpServletRequest request) {
        Identity identity = Callers.identity(request);
        if (identity == null) {
            throw new TidingsException(ErrorCode.UNAUTHENTICATED, "security is off: there is no caller");
        }
        return new CallerView(identity.name(), identity.kind().label(), identity.principalId(),
                identity.groups().stream().sorted().toList());
    }
}
