package org.tidings.delivery.entity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A structured-mode JSON CloudEvent with its notification's sequence number added as the extension attribute
 * {@value #SEQ_EXTENSION} (LEM-8, docs/adr/0015). Every other member is copied byte for byte as it was accepted,
 * name and value, found by the parser's byte offsets: numbers keep their text, strings their escapes, {@code data}
 * its exact bytes; only the whitespace between members is dropped. A {@value #SEQ_EXTENSION} the source set itself is
 * left out, so a receiver can trust the number it reads.
 */
public final class NumberedEvents {

    /** The CloudEvents extension attribute that carries a notification's sequence number in its subscription. */
    public static final String SEQ_EXTENSION = "tidingsseq";

    /**
     * Reads strings of any length: the reader skips {@code data} without reading its strings whole, so Jackson's
     * default limit (20,000,000 chars) never refused them at intake, and an accepted event must never fail here. Its
     * other limits (nesting, number and name lengths) are Jackson's defaults, as the reader's.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private NumberedEvents() {
    }

    /**
     * @param event a JSON object (the body of an accepted structured-mode event)
     * @throws IllegalArgumentException if it is not one
     */
    public static byte[] numbered(byte[] event, long seq) {
        var out = new ByteArrayOutputStream(event.length + 32);
        out.write('{');
        try (JsonParser in = JSON.createParser(event)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("an event in structured mode is a JSON object");
            }
            JsonToken token = in.nextToken();
            while (token == JsonToken.FIELD_NAME) {
                int memberStart = (int) in.currentTokenLocation().getByteOffset();
                boolean kept = !in.currentName().equals(SEQ_EXTENSION);
                in.nextToken();
                in.skipChildren();
                token = in.nextToken();
                if (kept) {
                    int memberEnd = valueEnd(event, (int) in.currentTokenLocation().getByteOffset());
                    out.write(event, memberStart, memberEnd - memberStart);
                    out.write(',');
                }
            }
            if (token != JsonToken.END_OBJECT) {
                throw new IllegalArgumentException("an event in structured mode is a JSON object");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("an accepted event no longer reads as JSON", e);
        }
        byte[] number = ("\"" + SEQ_EXTENSION + "\":" + seq + "}").getBytes(StandardCharsets.US_ASCII);
        out.write(number, 0, number.length);
        return out.toByteArray();
    }

    /**
     * Where a member's value ends, given where the next token (a member name or the object's end) starts: before the
     * whitespace and the one comma between them.
     */
    public static int valueEnd(byte[] json, int next) {
        int end = next;
        while (end > 0 && isSpace(json[end - 1])) {
            end--;
        }
        if (end > 0 && json[end - 1] == ',') {
            end--;
            while (end > 0 && isSpace(json[end - 1])) {
                end--;
            }
        }
        return end;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
