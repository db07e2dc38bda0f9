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
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.delivery.purge.SurrogateKeys;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.OutsideJson;
import org.tidings.platform.TidingsException;
import org.tidings.subscriptions.control.SubscriptionIndex;

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
 *
 * <p>Bounded, so that one event cannot make matching expensive (issue 8, RUP-17): every string attribute and
 * extension value has a length limit ({@link #MAX_URI_CHARS} for URI-valued ones, {@link #MAX_NAME_CHARS} for
 * {@code id}, {@code type} and {@code datacontenttype}, {@link #MAX_EXTENSION_CHARS} for other extensions), an
 * event has at most {@link #MAX_EXTENSIONS} extensions, and the {@code tidingsuris} extension names at most
 * {@link #MAX_ABOUT_URIS} URIs. A longer attribute is refused with {@code attribute-too-long}, more URIs with
 * {@code too-many-uris}, a {@code tidingsprefix} without a scheme and host with {@code invalid-prefix}; either of
 * them given as anything but a string is {@code malformed-event}. The
 * {@code tidingskeys} extension must be a string of at most 64 surrogate keys of visible ASCII ({@link SurrogateKeys}):
 * anything else is {@code malformed-event}, a longer key or more keys {@code attribute-too-long}. All before the event
 * is queued or matched.
 */
@ApplicationScoped
public class CloudEventReader {

    /** Longest {@code source}, {@code subject}, {@code dataschema} and {@code tidingsprefix}: 8 KiB, as most HTTP servers' request lines. */
    public static final int MAX_URI_CHARS = 8192;
    /** Longest {@code id}, {@code type}, {@code datacontenttype} and {@code time}. */
    public static final int MAX_NAME_CHARS = 1024;
    /** Longest value of an extension other than {@code tidingsuris}. */
    public static final int MAX_EXTENSION_CHARS = 8192;
    /** Most extensions on one event. */
    public static final int MAX_EXTENSIONS = 64;
    /** Most URIs in {@code tidingsuris}, each at most {@link #MAX_URI_CHARS} long. */
    public static final int MAX_ABOUT_URIS = 256;

    private static final String ABOUT_URIS = SubscriptionIndex.URIS_EXTENSION;
    /**
     * A prefix invalidation names at least a scheme and a whole host: {@code h} or {@code https://} would reach
     * every group URI (issue 8); with a host, the prefix boundary rule (docs/adr/0009) keeps it to that host.
     */
    private static final Pattern INVALIDATION_PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/?#\\s]+([/?#]\\S*)?");

    private static final JsonFactory JSON = OutsideJson.factory()
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

    /** A new event, by every rule (docs/adr/0011). */
    public CloudEvent read(byte[] body) {
        CloudEvent event = readAccepted(body);
        requireNoControls(event);
        return event;
    }

    /**
     * An event accepted already, read again (a notification judged against its subscriber's grants, an event HTTP
     * ingest answered 202): by the rules of {@link #read} except the one on control characters, which came later
     * (2026-12-06), so that an event accepted before it is not refused or withheld for it now.
     */
    public CloudEvent readAccepted(byte[] body) {
        if (body.length > maxBytes) {
            throw new TidingsException(ErrorCode.EVENT_TOO_LARGE,
                    "event has " + body.length + " bytes; the limit is " + maxBytes);
        }
        requireUtf8(body);
        try (JsonParser parser = JSON.createParser(body)) {
            return parse(parser);
        } catch (TidingsException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new TidingsException(ErrorCode.MALFORMED_EVENT, "not a CloudEvents 1.0 JSON event: " + reason(e));
        }
    }

    private static CloudEvent parse(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("the body is not a JSON object (a batch of events is sent as "
                    + CloudEventBatch.MEDIA_TYPE + ")");
        }
        CloudEventBuilder event = CloudEventBuilder.v1();
        String specVersion = null;
        boolean data = false;
        boolean dataBase64 = false;
        int extensions = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "specversion" -> specVersion = text(parser, name, MAX_NAME_CHARS);
                case "id" -> event.withId(text(parser, name, MAX_NAME_CHARS));
                case "source" -> event.withSource(URI.create(text(parser, name, MAX_URI_CHARS)));
                case "type" -> event.withType(text(parser, name, MAX_NAME_CHARS));
                case "subject" -> event.withSubject(text(parser, name, MAX_URI_CHARS));
                case "datacontenttype" -> event.withDataContentType(mediaType(text(parser, name, MAX_NAME_CHARS)));
                case "dataschema" -> event.withDataSchema(URI.create(text(parser, name, MAX_URI_CHARS)));
                case "time" -> event.withTime(OffsetDateTime.parse(text(parser, name, MAX_NAME_CHARS)));
                case "data" -> {
                    data = true;
                    parser.skipChildren(); // reads, and so checks, the whole value
                }
                case "data_base64" -> {
                    dataBase64 = true;
                    Base64.getDecoder().decode(text(parser, name, Integer.MAX_VALUE));
                }
                default -> {
                    if (++extensions > MAX_EXTENSIONS) {
                        throw new TidingsException(ErrorCode.ATTRIBUTE_TOO_LONG,
                                "the event has more than " + MAX_EXTENSIONS + " extensions");
                    }
                    extension(event, parser, name);
                }
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

    /** RFC 2046 / RFC 9110: type "/" subtype, then parameters, tokens and quoted strings of printable ASCII. */
    private static final Pattern MEDIA_TYPE;

    static {
        String token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
        String quoted = "\"(?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t \\x21-\\x7e])*\"";
        MEDIA_TYPE = Pattern.compile(token + "/" + token + "(?:[ \\t]*;[ \\t]*" + token + "=(?:" + token + "|" + quoted
                + "))*[ \\t]*");
    }

    /**
     * The {@code datacontenttype} if it is a media type (the CloudEvents spec asks for RFC 2046): it becomes a
     * {@code Content-Type} header when a sink gets the event in binary mode, where anything else cannot be sent.
     */
    static String mediaType(String value) {
        if (!MEDIA_TYPE.matcher(value).matches()) {
            throw new IllegalArgumentException("datacontenttype is not a media type (type/subtype; parameters, in "
                    + "printable ASCII)");
        }
        return value;
    }

    private static void extension(CloudEventBuilder event, JsonParser parser, String name) throws IOException {
        wholeCharacters(name, "an extension's name");
        if (SurrogateKeys.EXTENSION.equals(name)) {
            String keys = text(parser, name, (SurrogateKeys.MAX_KEY_CHARS + 1) * SurrogateKeys.MAX_KEYS);
            SurrogateKeys.of(keys);
            event.withExtension(name, keys);
            return;
        }
        if (ABOUT_URIS.equals(name) || SubscriptionIndex.PREFIX_EXTENSION.equals(name)) {
            event.withExtension(name, extensionText(parser, name)); // Tidings' own: strings, never a typed value
            return;
        }
        switch (parser.currentToken()) {
            case VALUE_STRING -> event.withExtension(name, extensionText(parser, name));
            case VALUE_NUMBER_INT -> event.withExtension(name, parser.getNumberValue());
            case VALUE_TRUE, VALUE_FALSE -> event.withExtension(name, parser.getBooleanValue());
            default -> throw new IllegalArgumentException("extension " + name + " must be a string, integer or boolean");
        }
    }

    private static String extensionText(JsonParser parser, String name) throws IOException {
        if (SubscriptionIndex.PREFIX_EXTENSION.equals(name)) {
            String prefix = text(parser, name, MAX_URI_CHARS);
            if (!INVALIDATION_PREFIX.matcher(prefix.strip()).matches()) {
                throw new TidingsException(ErrorCode.INVALID_PREFIX, name + " must be an absolute URI with a host "
                        + "(scheme://host...), which bounds what one invalidation can reach");
            }
            return prefix;
        }
        if (!ABOUT_URIS.equals(name)) {
            return text(parser, name, MAX_EXTENSION_CHARS);
        }
        String uris = text(parser, name, (MAX_URI_CHARS + 1) * MAX_ABOUT_URIS);
        int count = 0;
        int start = -1;
        for (int i = 0; i <= uris.length(); i++) {
            boolean separator = i == uris.length() || Character.isWhitespace(uris.charAt(i));
            if (!separator && start < 0) {
                start = i;
            } else if (separator && start >= 0) {
                if (++count > MAX_ABOUT_URIS) {
                    throw new TidingsException(ErrorCode.TOO_MANY_URIS,
                            ABOUT_URIS + " names more than " + MAX_ABOUT_URIS + " URIs");
                }
                if (i - start > MAX_URI_CHARS) {
                    throw tooLong(ABOUT_URIS + " URI " + count, MAX_URI_CHARS);
                }
                start = -1;
            }
        }
        return uris;
    }

    private static String text(JsonParser parser, String attribute, int maxChars) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("attribute " + attribute + " must be a JSON string");
        }
        if (parser.getTextLength() > maxChars) {
            throw tooLong(attribute, maxChars);
        }
        return wholeCharacters(parser.getText(), "attribute " + attribute);
    }

    /** Every string attribute and extension of a new event, by {@link #withoutControls}. */
    private static void requireNoControls(CloudEvent event) {
        withoutControls(event.getId(), "id", false);
        withoutControls(event.getType(), "type", false);
        withoutControls(event.getSource().toString(), "source", false);
        for (var attribute : new Object[][] {{"subject", event.getSubject()},
                {"datacontenttype", event.getDataContentType()}, {"dataschema", event.getDataSchema()}}) {
            if (attribute[1] != null) {
                withoutControls(attribute[1].toString(), (String) attribute[0], false);
            }
        }
        for (String name : event.getExtensionNames()) {
            if (event.getExtension(name) instanceof String value) {
                withoutControls(value, name, ABOUT_URIS.equals(name));
            }
        }
    }

    /**
     * {@code text} if it holds no control character (U+0000-U+001F, U+007F-U+009F), which the CloudEvents type system
     * disallows in a String (spec 1.0.2, "Type System"); {@code lineBreaks}: tab, line feed and carriage return may
     * separate the parts of a list (tidingsuris). A JSON escape can spell one (backslash, {@code u0000}): an id or
     * subject holding NUL was accepted, and then no row of PostgreSQL could hold it, so its delivery failed on every
     * try and held back every later one of its subject. Refused with {@code malformed-event}.
     */
    static String withoutControls(String text, String attribute, boolean lineBreaks) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 || (c >= 0x7F && c <= 0x9F)) && !(lineBreaks && (c == '\t' || c == '\n' || c == '\r'))) {
                throw new TidingsException(ErrorCode.MALFORMED_EVENT, "attribute " + attribute
                        + " holds a control character (U+" + String.format("%04X", (int) c) + "), which a CloudEvents "
                        + "string may not hold");
            }
        }
        return text;
    }

    /**
     * {@code text} if no surrogate in it is unpaired. A JSON escape can spell one (backslash, {@code ud800}), which no
     * UTF-8 text holds: encoded, it becomes {@code ?}, so an event whose id held one was taken for the event whose id
     * held {@code ?} there, and the later of the two was dropped as a duplicate. Refused with {@code invalid-encoding}.
     */
    static String wholeCharacters(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new TidingsException(ErrorCode.INVALID_ENCODING, what + " holds an unpaired surrogate (\\u"
                        + Integer.toHexString(c) + "), which is no Unicode character and has no UTF-8 form");
            }
        }
        return text;
    }

    private static TidingsException tooLong(String attribute, int maxChars) {
        return new TidingsException(ErrorCode.ATTRIBUTE_TOO_LONG,
                attribute + " is longer than its limit of " + maxChars + " characters");
    }

    /**
     * UTF-8 as RFC 8259 section 8.1 asks of JSON between systems: valid, without a byte order mark, and so without a
     * zero byte, which no JSON text in UTF-8 holds (a NUL in a string is escaped). Jackson would otherwise read a
     * mark, or text in UTF-16 or UTF-32 whose zero bytes happen to be valid UTF-8 too, by its own guess of the
     * encoding, while the bytes queued and delivered are the ones sent: a webhook or purge sink could not read them.
     */
    private static void requireUtf8(byte[] body) {
        utf8(body);
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            throw new TidingsException(ErrorCode.INVALID_ENCODING,
                    "the body starts with a byte order mark; JSON is sent as UTF-8 without one (RFC 8259)");
        }
        for (byte b : body) {
            if (b == 0) {
                throw new TidingsException(ErrorCode.INVALID_ENCODING, "the body holds a zero byte, which no JSON "
                        + "text in UTF-8 does: it is sent as UTF-8, not UTF-16 or UTF-32 (RFC 8259)");
            }
        }
    }

    /** The body's text, if it is valid UTF-8; else {@code invalid-encoding}. */
    static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new TidingsException(ErrorCode.INVALID_ENCODING, "body is not valid UTF-8: " + e.getMessage());
        }
    }

    static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // Jackson appends the source location and text to its messages; keep the first line only.
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
