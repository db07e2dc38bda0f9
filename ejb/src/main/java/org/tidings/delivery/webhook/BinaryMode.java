package org.tidings.delivery.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tidings.delivery.entity.NumberedEvents;

/**
 * A structured-mode JSON CloudEvent as the CloudEvents HTTP binding's binary mode sends it (docs/adr/0012): the
 * event's data as the body, {@code datacontenttype} as {@code Content-Type}, every other attribute and extension as a
 * {@code ce-} header. The data is the bytes the event carried, not a re-encoding: JSON data is the exact text of the
 * {@code data} member (so {@code 1.10} stays {@code 1.10}), string data of another media type is the string,
 * {@code data_base64} is decoded. Header values are percent-encoded as the binding asks (space, {@code "}, {@code %}
 * and everything outside printable ASCII, as UTF-8 octets).
 */
public final class BinaryMode {

    /** What to send: the {@code ce-} headers, the content type (null if the event has no data), and the body. */
    public record Request(Map<String, String> headers, String contentType, byte[] body) {
    }

    /** Reads strings of any length, as NumberedEvents does: an accepted event must never fail here. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private static final String DATA = "data";
    private static final String DATA_BASE64 = "data_base64";
    private static final String DATA_CONTENT_TYPE = "datacontenttype";

    private BinaryMode() {
    }

    /**
     * @param event a structured-mode JSON CloudEvent (the body of an accepted event, numbered)
     * @throws IllegalArgumentException if it is not a JSON object
     */
    public static Request of(byte[] event) {
        Map<String, String> headers = new LinkedHashMap<>();
        String contentType = null;
        int dataStart = -1;
        int dataEnd = -1;
        String dataString = null;
        byte[] decoded = null;
        try (JsonParser in = JSON.createParser(event)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("an event in structured mode is a JSON object");
            }
            JsonToken token = in.nextToken();
            while (token == JsonToken.FIELD_NAME) {
                String name = in.currentName();
                JsonToken value = in.nextToken();
                if (name.equals(DATA)) {
                    dataStart = (int) in.currentTokenLocation().getByteOffset();
                    dataString = value == JsonToken.VALUE_STRING ? in.getText() : null;
                    in.skipChildren();
                    token = in.nextToken();
                    dataEnd = NumberedEvents.valueEnd(event, (int) in.currentTokenLocation().getByteOffset());
                    continue;
                }
                if (name.equals(DATA_BASE64) && value == JsonToken.VALUE_STRING) {
                    decoded = Base64.getMimeDecoder().decode(in.getText());
                } else if (name.equals(DATA_CONTENT_TYPE) && value == JsonToken.VALUE_STRING) {
                    contentType = in.getText();
                } else if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                    headers.put("ce-" + name.toLowerCase(Locale.ROOT), percentEncoded(in.getText()));
                } else {
                    in.skipChildren(); // not a CloudEvents attribute: intake refuses such events
                }
                token = in.nextToken();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("an accepted event no longer reads as JSON", e);
        }
        if (decoded != null) {
            return new Request(headers, contentType != null ? contentType : "application/octet-stream", decoded);
        }
        if (dataStart < 0) {
            return new Request(headers, contentType, new byte[0]);
        }
        if (dataString != null && !isJson(contentType)) {
            return new Request(headers, contentType, dataString.getBytes(StandardCharsets.UTF_8));
        }
        return new Request(headers, contentType != null ? contentType : "application/json",
                Arrays.copyOfRange(event, dataStart, dataEnd));
    }

    /** Whether data of this media type is JSON (absent means JSON, as in the JSON event format). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return true;
        }
        int parameters = contentType.indexOf(';');
        String type = (parameters < 0 ? contentType : contentType.substring(0, parameters)).strip()
                .toLowerCase(Locale.ROOT);
        return type.endsWith("/json") || type.endsWith("+json"); // */json and */*+json, as the binding says
    }

    /** The value as a header of the binding: percent-encoded outside printable ASCII, and space, '"' and '%'. */
    static String percentEncoded(String value) {
        StringBuilder out = null;
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = b > 0x20 && b < 0x7f && b != '"' && b != '%';
            if (!plain && out == null) {
                out = new StringBuilder(bytes.length + 16).append(new String(bytes, 0, i, StandardCharsets.US_ASCII));
            }
            if (out != null) {
                if (plain) {
                    out.append((char) b);
                } else {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
                }
            }
        }
        return out == null ? value : out.toString();
    }
}
