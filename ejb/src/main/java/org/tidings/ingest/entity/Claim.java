package org.tidings.ingest.entity;

/** What the duplicate window (docs/adr/0019) says about an event about to be matched and forwarded. */
public enum Claim {
    /** This message now holds the event's record (new, or older than the window, or its own): match and forward. */
    CLAIMED,
    /**
     * A message without an id that the broker delivered before, whose event has a record: it may be this message's
     * own claim from before a crash, so it is matched and forwarded again; the broker's duplicate ids on the
     * notifications drop a second copy (docs/adr/0007).
     */
    REDELIVERED,
    /** Another message's event accepted within the window: acknowledged, not matched again. */
    DUPLICATE;

    public boolean forward() {
        return this != DUPLICATE;
    }
}
