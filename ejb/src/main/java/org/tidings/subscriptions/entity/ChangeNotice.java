package org.tidings.subscriptions.entity;

import java.util.UUID;

/**
 * "Source, subscription or group {@code id} changed": sent on the {@code tidings.changes} topic when a change commits, so
 * that every instance re-reads that one row and updates its in-memory view (matching index, source directory). It carries no state on purpose: the
 * database is the truth, and a late or repeated notice can never apply an old state.
 */
public record ChangeNotice(Kind kind, UUID id) {

    public enum Kind { SOURCE, SUBSCRIPTION, GROUP }
}
