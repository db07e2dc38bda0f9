package org.tidings.platform.security;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Every endpoint of the HTTP API with the roles that may call it, as the JAX-RS runtime configured them
 * ({@link AccessRules}): what an administrator reviews, and what the security suite walks so that a new endpoint
 * cannot escape it.
 */
@RolesAllowed("admin")
@Path("api/endpoints")
@Produces(MediaType.APPLICATION_JSON)
public class EndpointsResource {

    @GET
    public List<AccessRules.Endpoint> all() {
        return AccessRules.endpoints();
    }
}
