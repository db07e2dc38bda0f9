package org.tidings.ingest.entity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The key under which an accepted event is remembered for the duplicate window (docs/adr/0019): the SHA-256 of its
 * source, in the normalized form all spellings of a provisioned source share (what matching and quotas use), a space,
 * and its id. A source URI holds no space, so the first space separates the two; the digest makes every key 32
 * bytes, whatever the lengths ingest allows (8192 characters of source, 1024 of id).
 */
public final class AcceptanceKey {

    private final byte[] digest;

    private AcceptanceKey(byte[] digest) {
        this.digest = digest;
    }

    /** The key of the event with this id from this source, given normalized ({@code SourceDirectory.resolved}). */
    public static AcceptanceKey of(String normalizedSource, String id) {
        return new AcceptanceKey(sha256(normalizedSource + ' ' + id));
    }

    /** The 32 bytes stored in {@code accepted_event.event_key}; a copy. */
    public byte[] bytes() {
        return digest.clone();
    }

    /**
     * The claimant stored for a message id: the id itself, or its SHA-256 in hex if it is longer than the column's
     * 200 characters or holds a NUL (an AMQP or core sender chooses its message ids, and PostgreSQL refuses a NUL in
     * text, so such a claim failed on every delivery); null stays null. Only these: a claim stored before this rule
     * by an id that is still stored the same way is found again by its redelivery.
     */
    public static String claimant(String messageId) {
        if (messageId == null || (messageId.length() <= 200 && messageId.indexOf('\0') < 0)) {
            return messageId;
        }
        return "sha256:" + HexFormat.of().formatHex(sha256(messageId));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AcceptanceKey key && Arrays.equals(digest, key.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(digest, 0, 8);
    }
}
