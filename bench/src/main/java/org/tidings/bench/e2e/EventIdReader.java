package org.tidings.bench.e2e;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.io.IOException;

/**
 * The CloudEvent id a message carries: the {@value #EVENT_ID_PROPERTY} property Tidings sets on notifications,
 * or else the top-level {@code id} of the JSON body (text or bytes), whatever the event's data holds.
 */
final class EventIdReader {

    static final String EVENT_ID_PROPERTY = "tidings_event_id";

    private final JsonFactory json = new JsonFactory();

    /** The id, or null if the message has none that can be read. */
    String eventId(Message message) {
        try {
            if (message.propertyExists(EVENT_ID_PROPERTY)) {
                return message.getStringProperty(EVENT_ID_PROPERTY);
            }
            if (message instanceof TextMessage text) {
                return topLevelId(json.createParser(text.getText()));
            }
            if (message instanceof BytesMessage bytes) {
                byte[] body = new byte[(int) bytes.getBodyLength()];
                bytes.readBytes(body);
                return topLevelId(json.createParser(body));
            }
            return null;
        } catch (JMSException | IOException e) {
            return null;
        }
    }

    /** The top-level id of a JSON CloudEvent's bytes, or null if it has none that can be read. */
    String eventId(byte[] json) {
        try {
            return topLevelId(this.json.createParser(json));
        } catch (IOException e) {
            return null;
        }
    }

    private static String topLevelId(JsonParser parser) throws IOException {
        try (parser) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("id".equals(name) && value == JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
            return null;
        }
    }
}
