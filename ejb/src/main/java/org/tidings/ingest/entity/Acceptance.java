package org.tidings.ingest.entity;

import java.util.Map;
import java.util.UUID;

/**
 * A claim in the duplicate window and the sequence numbers the event's JMS notifications go with, per subscription
 * (docs/adr/0015, 0019): none when the claim does not forward, or when nothing needs a number.
 */
public record Acceptance(Claim claim, Map<UUID, Long> numbers) {

    public Acceptance {
        numbers = Map.copyOf(numbers);
    }

    public static Acceptance of(Claim claim) {
        return new Acceptance(claim, Map.of());
    }
}
