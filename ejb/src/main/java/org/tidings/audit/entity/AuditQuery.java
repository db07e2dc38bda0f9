package org.tidings.audit.entity;

import java.time.Instant;

/**
 * Which audit records to read, newest first: those made in [{@code from}, {@code to}) (either may be null), by
 * {@code actor}, on {@code targetId}, of {@code action} (each null for any), older than the record {@code before}
 * (the last one of the previous page; null for the newest), at most {@code limit}.
 */
public record AuditQuery(String actor, String targetId, String action, Instant from, Instant to, Long before,
        int limit) {

    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit is between 1 and " + MAX_LIMIT + ", not " + limit);
        }
    }
}
