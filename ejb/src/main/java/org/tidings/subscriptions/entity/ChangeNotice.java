package org.tidings.subscriptions.entity;

import java.util.UUID;

/**
 * "Subscription or group {@code id} changed": sent on the {@code tidings.changes} topic when a change commits, so
 * that every instance re-reads that one row and updates its matching index. It carries no state on purpose: the
 * database is the truth, and a late or repeated notice can never apply an old state.
 */
public record ChangeNotice(Kind kind, UUID id) {

    public enum Kind { SUBSCRIPTION, GROUP }
}
