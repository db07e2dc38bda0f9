package org.tidings.ingest.entity;

import java.util.Map;
import java.util.UUID;

/**
 * A claim in the duplicate window and the sequence numbers the event's JMS notifications go with, per subscription
 * (docs/adr/0015, 0019): none when the claim does not forward, or when nothing needs a number. {@code recorded}:
 * the numbers are kept with the event's record, so that every later forward of the event sends the same ones (and
 * they may be part of the notifications' duplicate ids); false when the duplicate window is off.
 */
public record Acceptance(Claim claim, Map<UUID, Long> numbers, boolean recorded) {

    public Acceptance {
        numbers = Map.copyOf(numbers);
    }

    public static Acceptance of(Claim claim) {
        return new Acceptance(claim, Map.of(), true);
    }
}
