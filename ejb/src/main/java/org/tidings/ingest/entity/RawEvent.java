package org.tidings.ingest.entity;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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

    /** A text body; a null text (an AMQP body of {@code null}) is the empty text, which is not an event. */
    public static RawEvent ofText(String text, Provenance from) {
        String body = text == null ? "" : text;
        try {
            var encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(body));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return new RawEvent(bytes, body, true, from);
        } catch (CharacterCodingException e) {
            return new RawEvent(body.getBytes(StandardCharsets.UTF_8), body, false, from);
        }
    }

    public static RawEvent ofBytes(byte[] body, Provenance from) {
        return new RawEvent(body, null, true, from);
    }

    public boolean isText() {
        return text != null;
    }
}
