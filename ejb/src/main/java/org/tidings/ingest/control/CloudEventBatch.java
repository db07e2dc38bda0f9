package org.tidings.ingest.control;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.OutsideJson;
import org.tidings.platform.TidingsException;

/**
 * The events of a batch in the CloudEvents HTTP binding's batched content mode ({@code
 * application/cloudevents-batch+json}: a JSON array of structured-mode events), each as the exact bytes it has in
 * the batch, so that it is queued, and forwarded, byte for byte as if it had been sent alone (docs/adr/0025).
 *
 * <p>The batch as a whole must be UTF-8 and a well-formed JSON array of at most {@code maxEvents} elements, else
 * nothing of it is taken ({@code invalid-encoding}, {@code malformed-json}, {@code request-too-large}). Each element is
 * then judged on its own: an element that is not an object comes back as null, for the caller to refuse as
 * {@code malformed-event}; an object's bytes go to {@link CloudEventReader#read}, which checks all the rest.
 */
public final class CloudEventBatch {

    /** The batched content mode's media type (CloudEvents JSON format, section 4). */
    public static final String MEDIA_TYPE = "application/cloudevents-batch+json";

    /**
     * Looser than the defaults the event reader keeps: an element nested deeper than an event alone may be (up to ten
     * times), with a number or a name longer than Jackson allows, is still cut out, and then refused alone by the
     * reader. The depth stays bounded: Jackson holds a context object per open level.
     */
    private static final JsonFactory JSON = OutsideJson.factory()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(10 * StreamReadConstraints.DEFAULT_MAX_DEPTH)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private CloudEventBatch() {
    }

    /** The batch's elements in order: each object's own bytes, or null for an element that is not an object. */
    public static List<byte[]> split(byte[] body, int maxEvents) {
        String text = CloudEventReader.utf8(body);
        if (text.indexOf('\0') >= 0) { // as for one event: UTF-16 or UTF-32 text of ASCII is valid UTF-8 too
            throw new TidingsException(ErrorCode.INVALID_ENCODING, "the batch holds a zero byte, which no JSON text in "
                    + "UTF-8 does: it is sent as UTF-8, not UTF-16 or UTF-32 (RFC 8259); nothing of it was accepted");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark before the array: the events are cut out without it
        }
        List<byte[]> events = new ArrayList<>();
        // Over the decoded text, whose character offsets Jackson reports exactly (of bytes it reports none, with the
        // field-name table off); the bytes of valid UTF-8 text encode back to themselves.
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("a batch is a JSON array of events");
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == null) {
                    throw new IllegalArgumentException("the array is not closed");
                }
                if (events.size() == maxEvents) {
                    throw new TidingsException(ErrorCode.REQUEST_TOO_LARGE,
                            "a batch holds at most " + maxEvents + " events; nothing of this one was accepted");
                }
                if (token != JsonToken.START_OBJECT) {
                    parser.skipChildren(); // an array; a scalar needs nothing
                    events.add(null);
                    continue;
                }
                long start = parser.currentTokenLocation().getCharOffset();
                parser.skipChildren(); // reads, and so checks, the whole object
                long end = parser.currentLocation().getCharOffset();
                if (start < 0 || end > text.length() || text.charAt((int) start) != '{'
                        || text.charAt((int) end - 1) != '}') {
                    throw new IllegalStateException("the parser placed an event at characters " + start + ".." + end);
                }
                events.add(text.substring((int) start, (int) end).getBytes(StandardCharsets.UTF_8));
            }
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("content after the batch's array");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new TidingsException(ErrorCode.MALFORMED_JSON,
                    "not a JSON array of events: " + CloudEventReader.reason(e) + "; nothing of this batch was accepted");
        }
        return events;
    }
}
