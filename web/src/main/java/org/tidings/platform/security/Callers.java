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
     * The subscriber whose things alone the caller may see and change: its own id if it is a subscriber; null if it
     * may see everything (an administrator, or anyone with security off).
     */
    public static UUID subscriber(HttpServletRequest request) {
        Identity identity = identity(request);
        return identity != null && identity.kind() == PrincipalKind.SUBSCRIBER ? identity.principalId() : null;
    }

    /** Whether a caller limited to {@code subscriber} (null: not limited) may see a thing owned by {@code owner}. */
    public static boolean sees(UUID subscriber, UUID owner) {
        return subscriber == null || subscriber.equals(owner);
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
