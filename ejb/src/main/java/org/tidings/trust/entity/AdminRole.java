package org.tidings.trust.entity;

import java.util.Locale;
import java.util.Set;

/**
 * What an administrator may do. Each role includes the ones below it: a viewer reads, an operator also redrives,
 * discards and pauses, an admin also provisions and grants.
 */
public enum AdminRole {
    VIEWER(Set.of("viewer")),
    OPERATOR(Set.of("viewer", "operator")),
    ADMIN(Set.of("viewer", "operator", "admin"));

    private final Set<String> groups;

    AdminRole(Set<String> groups) {
        this.groups = groups;
    }

    /** The security groups (roles) this role grants, itself and the ones it includes. */
    public Set<String> groups() {
        return groups;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named (case-insensitive), or null if none is. */
    public static AdminRole named(String name) {
        for (AdminRole role : values()) {
            if (role.label().equalsIgnoreCase(name)) {
                return role;
            }
        }
        return null;
    }
}
