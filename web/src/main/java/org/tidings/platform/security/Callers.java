package org.tidings.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;
import org.tidings.trust.control.Identity;
import org.tidings.trust.entity.PrincipalKind;

/** What a resource asks about its caller. */
public final class Callers {

    private Callers() {
    }

    /** The identity the request's token gave, or null (security off, or an open endpoint called anonymously). */
    public static Identity identity(HttpServletRequest request) {
        return request.getAttribute(BearerTokenMechanism.IDENTITY) instanceof Identity identity ? identity : null;
    }

    /**
     * The source a caller sending events speaks for: its own id if it is a source, null if it may send for any
     * provisioned source (an administrator, or anyone with security off).
     */
    public static UUID speaker(HttpServletRequest request) {
        Identity identity = identity(request);
        return identity != null && identity.kind() == PrincipalKind.SOURCE ? identity.principalId() : null;
    }
}
