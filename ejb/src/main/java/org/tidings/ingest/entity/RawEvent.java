package org.tidings.ingest.entity;

import java.nio.charset.StandardCharsets;

/**
 * An event as it arrived, before anything was checked: the body exactly as sent (a JMS text body is kept as the
 * very string it was, so that forwarding it changes no character), whether it came as text, and the
 * broker's account of where it came from.
 *
 * @param body the body as UTF-8 bytes (for text, its strict encoding, or a lossy one if {@code text} has
 *             unpaired surrogates)
 * @param text the text body as it came, or null for a body that came as bytes
 * @param encodable false when {@code text} cannot be encoded as UTF-8 (unpaired surrogates): invalid encoding
 * @param from the sender and message ids
 */
public record RawEvent(byte[] body, String text, boolean encodable, Provenance from) {

    /**
     * A text body; a null text (an AMQP body of {@code null}) is the empty text, which is not an event. The JDK's own
     * {@link String#getBytes} encodes (a charset encoder over {@code CharBuffer.wrap} went char by char through buffer
     * calls, up to a tenth of the event path's CPU in a profile); it writes {@code ?} for an unpaired surrogate, so
     * the text is scanned for those (not skipped when the bytes are as many as the characters: {@code ?} is one byte).
     */
    public static RawEvent ofText(String text, Provenance from) {
        String body = text == null ? "" : text;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new RawEvent(bytes, body, !hasUnpairedSurrogate(body), from);
    }

    /** Whether {@code text} has a surrogate that is not part of a high-low pair: it has no UTF-8 encoding. */
    static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (paired) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    public static RawEvent ofBytes(byte[] body, Provenance from) {
        return new RawEvent(body, null, true, from);
    }

    public boolean isText() {
        return text != null;
    }
}
