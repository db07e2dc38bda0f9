package org.tidings.delivery.entity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A structured-mode JSON CloudEvent with its notification's sequence number added as the extension attribute
 * {@value #SEQ_EXTENSION} (LEM-8, docs/adr/0015). Every other member is copied as it was accepted, numbers as their
 * text (no rounding through double); a {@value #SEQ_EXTENSION} the source set itself is replaced, so a receiver can
 * trust the number it reads.
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
        try (JsonParser in = JSON.createParser(event); JsonGenerator copy = JSON.createGenerator(out)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("an event in structured mode is a JSON object");
            }
            copy.writeStartObject();
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String name = in.currentName();
                in.nextToken();
                if (name.equals(SEQ_EXTENSION)) {
                    in.skipChildren();
                } else {
                    copy.writeFieldName(name);
                    copyValue(in, copy);
                }
            }
            copy.writeNumberField(SEQ_EXTENSION, seq);
            copy.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("an accepted event no longer reads as JSON", e);
        }
        return out.toByteArray();
    }

    /** Copies the value the parser is at, with its children. */
    private static void copyValue(JsonParser in, JsonGenerator copy) throws IOException {
        switch (in.currentToken()) {
            case START_OBJECT -> {
                copy.writeStartObject();
                while (in.nextToken() == JsonToken.FIELD_NAME) {
                    copy.writeFieldName(in.currentName());
                    in.nextToken();
                    copyValue(in, copy);
                }
                copy.writeEndObject();
            }
            case START_ARRAY -> {
                copy.writeStartArray();
                while (in.nextToken() != JsonToken.END_ARRAY) {
                    copyValue(in, copy);
                }
                copy.writeEndArray();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> copy.writeNumber(in.getText());
            case VALUE_STRING -> copy.writeString(in.getText());
            case VALUE_TRUE, VALUE_FALSE -> copy.writeBoolean(in.getBooleanValue());
            case VALUE_NULL -> copy.writeNull();
            default -> throw new IllegalArgumentException("unexpected " + in.currentToken() + " in an event");
        }
    }
}
