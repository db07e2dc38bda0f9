package org.tidings.pull.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.tidings.platform.OutsideJson;

/**
 * Whether an event asks its receivers to acknowledge it (RUP-3, RUP-19): its CloudEvents extension
 * {@value #EXTENSION} is {@code true} (a JSON boolean, or the string "true" as binary mode carries it). Any other
 * value, or none, means one-way: the notification counts as delivered once it is in the feed.
 */
public final class AckRequests {

    public static final String EXTENSION = "tidingsack";

    private static final ObjectMapper JSON = OutsideJson.mapper(); // events come from outside

    private AckRequests() {
    }

    /** {@code event} is a structured-mode JSON CloudEvent, as Tidings accepted it. */
    public static boolean required(byte[] event) {
        try {
            JsonNode ack = JSON.readTree(event).path(EXTENSION);
            return ack.isBoolean() ? ack.booleanValue() : ack.isTextual() && ack.textValue().equals("true");
        } catch (IOException e) {
            return false; // Tidings accepts JSON events only; should one not parse, it is one-way rather than stuck
        }
    }
}
