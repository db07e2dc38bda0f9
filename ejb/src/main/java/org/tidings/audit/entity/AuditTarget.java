package org.tidings.audit.entity;

import java.util.UUID;

/** What an administrative change creates or changes and returns: the audit record names it by its id. */
public interface AuditTarget extends AuditSummary {

    UUID id();

    /**
     * Whether the call that returned this changed anything. One that changed nothing (revoking a revoked token,
     * enabling an enabled sink) leaves no record, as a call that found nothing to change does (docs/adr/0020).
     */
    default boolean auditedChangeMade() {
        return true;
    }
}
