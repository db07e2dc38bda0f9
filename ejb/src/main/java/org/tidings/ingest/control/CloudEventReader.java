package org.tidings.ingest.control;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonFormat;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;

/**
 * Turns a structured-mode JSON body into a CloudEvent, or says precisely why it cannot: too large, not UTF-8,
 * or not a valid CloudEvents 1.0 JSON event.
 */
@ApplicationScoped
public class CloudEventReader {

    private final JsonFormat format = new JsonFormat();

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
        try {
            return format.deserialize(body);
        } catch (EventDeserializationException | IllegalArgumentException | IllegalStateException e) {
            throw new TidingsException(ErrorCode.MALFORMED_EVENT, "not a CloudEvents 1.0 JSON event: " + reason(e));
        }
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
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        // Jackson appends the whole source text to its messages; keep the first line only.
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
