package org.tidings.ingest.control;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;

/**
 * Turns a structured-mode JSON body into a CloudEvent, or says precisely why it cannot: too large, not UTF-8,
 * or not a valid CloudEvents 1.0 JSON event.
 *
 * <p>One streaming pass, no JSON tree (docs/adr/0007: building the SDK's tree of the whole event, {@code data}
 * included, was the largest single cost of the event path). The event it returns has every context attribute and
 * extension but no {@code data}: matching looks at the context only, and the notification carries the original
 * bytes, so the data is checked to be well-formed JSON (or valid base64) and never decoded. Stricter than the SDK
 * where the spec is: attributes must be JSON strings, a key may appear once, {@code data} and {@code data_base64}
 * exclude each other, and nothing may follow the object.
 */
@ApplicationScoped
public class CloudEventReader {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    @Inject
    @ConfigProperty(name = "tidings.ingest.max-event-bytes", defaultValue = "262144")
    int maxBytes;

    protected CloudEventReader() {
    }

    public CloudEventReader(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public int maxBytes() {
        return maxBytes;
    }

    public CloudEvent read(byte[] body) {
        if (body.length > maxBytes) {
            throw new TidingsException(ErrorCode.EVENT_TOO_LARGE,
                    "event has " + body.length + " bytes; the limit is " + maxBytes);
        }
        requireUtf8(body);
        try (JsonParser parser = JSON.createParser(body)) {
            return parse(parser);
        } catch (IOException | RuntimeException e) {
            throw new TidingsException(ErrorCode.MALFORMED_EVENT, "not a CloudEvents 1.0 JSON event: " + reason(e));
        }
    }

    private static CloudEvent parse(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("the body is not a JSON object");
        }
        CloudEventBuilder event = CloudEventBuilder.v1();
        String specVersion = null;
        boolean data = false;
        boolean dataBase64 = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "specversion" -> specVersion = text(parser, name);
                case "id" -> event.withId(text(parser, name));
                case "source" -> event.withSource(URI.create(text(parser, name)));
                case "type" -> event.withType(text(parser, name));
                case "subject" -> event.withSubject(text(parser, name));
                case "datacontenttype" -> event.withDataContentType(text(parser, name));
                case "dataschema" -> event.withDataSchema(URI.create(text(parser, name)));
                case "time" -> event.withTime(OffsetDateTime.parse(text(parser, name)));
                case "data" -> {
                    data = true;
                    parser.skipChildren(); // reads, and so checks, the whole value
                }
                case "data_base64" -> {
                    dataBase64 = true;
                    Base64.getDecoder().decode(text(parser, name));
                }
                default -> extension(event, parser, name);
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
            throw new IllegalArgumentException("content after the event object");
        }
        if (!"1.0".equals(specVersion)) {
            throw new IllegalArgumentException(specVersion == null ? "no specversion" : "specversion " + specVersion
                    + " is not supported (1.0 is)");
        }
        if (data && dataBase64) {
            throw new IllegalArgumentException("data and data_base64 exclude each other");
        }
        return event.build();
    }

    private static void extension(CloudEventBuilder event, JsonParser parser, String name) throws IOException {
        switch (parser.currentToken()) {
            case VALUE_STRING -> event.withExtension(name, parser.getText());
            case VALUE_NUMBER_INT -> event.withExtension(name, parser.getNumberValue());
            case VALUE_TRUE, VALUE_FALSE -> event.withExtension(name, parser.getBooleanValue());
            default -> throw new IllegalArgumentException("extension " + name + " must be a string, integer or boolean");
        }
    }

    private static String text(JsonParser parser, String attribute) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("attribute " + attribute + " must be a JSON string");
        }
        return parser.getText();
    }

    private static void requireUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new TidingsException(ErrorCode.INVALID_ENCODING, "body is not valid UTF-8: " + e.getMessage());
        }
    }

    private static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // Jackson appends the source location and text to its messages; keep the first line only.
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
