package org.tidings.provisioning.entity;

/**
 * "The database holds provisioning changes up to this generation": fired in the changing transaction, applied on
 * this instance once it commits, and sent on the {@code tidings.changes} topic for the other instances. Only a
 * hint that it is time to catch up from the change log: a lost notice delays a view by at most the period of the
 * catch-up timer, a repeated or late one costs one query.
 */
public record ChangeNotice(long generation) {
}
