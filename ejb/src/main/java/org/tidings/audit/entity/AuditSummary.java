package org.tidings.audit.entity;

/**
 * Something that can say, in a line, what an administrator set: names, kinds, addresses and settings, never a
 * secret, a credential or a token. The text is kept in the audit log for the retention (a year by default) and shown
 * to every administrator, so an implementation names only what the API itself shows again after creation.
 */
public interface AuditSummary {

    String auditSummary();
}
