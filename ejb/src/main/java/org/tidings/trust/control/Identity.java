package org.tidings.trust.control;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.tidings.trust.entity.PrincipalKind;

/**
 * Who a valid token speaks for: the principal's kind and id, the token it came with, and the security groups (roles)
 * it holds. {@link #name()} is the caller principal's name everywhere (server, EJB caller, audit): kind and id, e.g.
 * {@code source:5d0c...}.
 */
public record Identity(UUID tokenId, PrincipalKind kind, UUID principalId, Set<String> groups, Instant expiresAt) {

    public static final String SOURCE_GROUP = "source";
    public static final String SUBSCRIBER_GROUP = "subscriber";

    public Identity {
        groups = Set.copyOf(groups);
    }

    public String name() {
        return kind.label() + ":" + principalId;
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The principal id named by a caller principal's name of this kind, or null if the name is not one. */
    public static UUID principalOf(String name, PrincipalKind kind) {
        String mark = kind.label() + ":";
        if (name == null || !name.startsWith(mark)) {
            return null;
        }
        try {
            return UUID.fromString(name.substring(mark.length()));
        } catch (IllegalArgumentException notOurs) {
            return null;
        }
    }
}
