package org.tidings.trust.entity;

import java.util.UUID;

/**
 * A see grant of this subscriber is being revoked: once that commits, what its sinks hold that it may no longer see is
 * taken back where Tidings can still reach it (docs/adr/0022).
 */
public record SeeRevoked(UUID subscriber) {
}
