package org.tidings.ingest.entity;

/**
 * An event as it arrived, before anything was checked: the body exactly as sent, whether it came as text,
 * and the broker-authenticated sender (null over HTTP until HTTP authentication exists).
 */
public record RawEvent(byte[] body, boolean text, String validatedUser, String messageId) {
}
