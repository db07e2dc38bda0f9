package org.tidings.audit.entity;

import java.util.UUID;

/** What an administrative change creates or changes and returns: the audit record names it by its id. */
public interface AuditTarget extends AuditSummary {

    UUID id();
}
