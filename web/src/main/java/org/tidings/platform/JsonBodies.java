package org.tidings.platform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Every JSON body the admin API reads whole passes here before JSON-B (Yasson on Parsson) or a resource reads it:
 * at most {@link #DEFAULT_BYTES} (or the method's {@link BoundedBody}) are read, else 413 request-too-large; the bytes
 * must be UTF-8 (RFC 8259), else 400 invalid-encoding; and they must be one well-formed JSON value, else 400
 * malformed-json.
 * The last is not only a nicer answer: Parsson's {@code skipArray} and {@code skipObject}, which Yasson calls to pass
 * over a property it does not know, never see the end of the input and loop forever on an array or object left open
 * ({@code {"x":[[1]}}: a thread spinning at full CPU for good, eclipse-ee4j/parsson#23, open since 2021, in Payara
 * 6.2025.10). Bodies read as streams ({@code POST /events}, the dry run) are not touched: they have their own limits
 * and reader. docs/adr/0024.
 */
@Provider
public final class JsonBodies implements ReaderInterceptor {

    /**
     * 2 MiB: over twice what the columns behind most calls hold; a call that may need more says so with
     * {@link BoundedBody} (a group's two columns of 1,000,000 characters, a batch).
     */
    public static final int DEFAULT_BYTES = 2 * 1024 * 1024;

    /**
     * What is read and dropped of a body refused as too large, so that a client that sends its whole body before it
     * reads the answer (the JDK's HttpClient does) gets the 413 rather than a connection closed under it. A body
     * that says it is longer is not drained at all: its sender learns from a closed connection.
     */
    static final long DRAINED_BYTES = 64L * 1024 * 1024;

    /** Field names not kept (OutsideJson). */
    static final JsonFactory JSON = OutsideJson.factory().build();

    @Context
    ResourceInfo resource;

    /**
     * The request property (in a servlet container also a request attribute) that holds the SHA-256 of the JSON body
     * this read, as a byte array: an Idempotency-Key's request is told from another by it.
     */
    public static final String BODY_SHA256 = "org.tidings.body-sha256";

    static byte[] sha256(byte[] body) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(body);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (!boundFromJson(context) && !(consumesOnlyJson() && readWhole(context))) {
            return context.proceed();
        }
        int limit = limit();
        InputStream in = context.getInputStream();
        long declared = declaredLength(context.getHeaders().getFirst("Content-Length"));
        if (declared > limit) {
            if (declared <= DRAINED_BYTES) {
                drain(in);
            }
            throw tooLarge(limit);
        }
        byte[] body = in.readNBytes(limit + 1);
        if (body.length > limit) {
            drain(in);
            throw tooLarge(limit);
        }
        MediaType type = context.getMediaType();
        requireUtf8Label(type);
        requireWellFormed(body);
        if (type != null && type.getParameters().containsKey(MediaType.CHARSET_PARAMETER)) {
            // read as UTF-8 whatever name the label gave it: a reader decoding by the label's own charset read a
            // merge patch labelled US-ASCII with every non-ASCII character replaced, and a label with spaces inside
            // its quotes (" utf-8 ") made it throw
            context.setMediaType(type.withCharset(StandardCharsets.UTF_8.name()));
        }
        context.setProperty(BODY_SHA256, sha256(body));
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    /**
     * A JSON body read whole: bound to an object, or taken as text (a merge patch). Not one that the resource reads
     * itself as a stream ({@code POST /events} and the dry run, which have their own reader and limits).
     */
    private static boolean boundFromJson(ReaderInterceptorContext context) {
        MediaType type = context.getMediaType();
        return type != null && json(type) && readWhole(context); // JSON is json, in any case
    }

    /**
     * Whether the resource method takes only JSON: then its body is checked as JSON whatever it is labelled. JAX-RS
     * routes a request without a Content-Type, or with a wildcard one, to a method that consumes JSON, and labels the
     * first {@code application/octet-stream}: a PATCH sent so was read whole without a limit, and its bytes decoded
     * with invalid UTF-8 replaced, until a review found it (2026-12-05).
     */
    private boolean consumesOnlyJson() {
        Method method = resource == null ? null : resource.getResourceMethod();
        if (method == null) {
            return false;
        }
        Consumes consumes = method.getAnnotation(Consumes.class);
        if (consumes == null) {
            consumes = method.getDeclaringClass().getAnnotation(Consumes.class);
        }
        return consumes != null && consumes.value().length > 0 && Arrays.stream(consumes.value())
                .flatMap(value -> Arrays.stream(value.split(","))).map(MediaType::valueOf)
                .allMatch(JsonBodies::json);
    }

    private static boolean json(MediaType type) {
        String subtype = type.getSubtype().toLowerCase(java.util.Locale.ROOT);
        return "json".equals(subtype) || subtype.endsWith("+json");
    }

    private static boolean readWhole(ReaderInterceptorContext context) {
        return !InputStream.class.isAssignableFrom(context.getType());
    }

    /** The Content-Length as a number (leading zeros allowed), {@code Long.MAX_VALUE} if longer; -1 if none. */
    static long declaredLength(String header) {
        if (header == null || header.isEmpty() || !header.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        String digits = header.replaceFirst("^0+(?=.)", "");
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    private int limit() {
        Method method = resource == null ? null : resource.getResourceMethod();
        BoundedBody bound = method == null ? null : method.getAnnotation(BoundedBody.class);
        return bound == null ? DEFAULT_BYTES : bound.bytes();
    }

    static void requireWellFormed(byte[] body) {
        requireUtf8(body);
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() == null) {
                return; // empty: JAX-RS answers for a missing body as it always did
            }
            parser.skipChildren(); // reads, and so checks, the whole first value
            JsonToken after = parser.nextToken();
            if (after != null) {
                throw new TidingsException(ErrorCode.MALFORMED_JSON, "the body holds more than one JSON value"
                        + at(parser.currentLocation()));
            }
        } catch (JsonProcessingException e) {
            // where, not what: the parser's message quotes the body, which may hold a secret (a webhook's)
            throw new TidingsException(ErrorCode.MALFORMED_JSON, "the body is not well-formed JSON"
                    + at(e.getLocation()));
        } catch (IOException e) {
            throw new TidingsException(ErrorCode.MALFORMED_JSON, "the body is not well-formed JSON");
        }
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /**
     * A charset named on the body's type must be UTF-8, as its bytes must be: JAX-RS decodes a body taken as text (a
     * merge patch) by the charset its type names, so a PATCH labelled ISO-8859-1 stored "pÃ¤ss" for the "päss" sent,
     * a webhook's password that its receiver would then refuse on every call. 415 {@code unsupported-media-type}.
     */
    static void requireUtf8Label(MediaType type) {
        String charset = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (!utf8(charset)) {
            throw new TidingsException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "JSON is sent as UTF-8 (RFC 8259); this body's type names the charset " + charset);
        }
    }

    /**
     * Whether a {@code charset} parameter (null: none) lets the bytes be read as UTF-8: UTF-8 under any of its names
     * ({@code utf8} too), or US-ASCII, of which UTF-8 is a superset.
     */
    public static boolean utf8(String charset) {
        if (charset == null) {
            return true;
        }
        try {
            Charset named = Charset.forName(charset.strip().replace("\"", ""));
            return named.equals(StandardCharsets.UTF_8) || named.equals(StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException unknown) { // illegal or unsupported names
            return false;
        }
    }

    /**
     * Checks the bytes as UTF-8 through a small buffer, without decoding the whole body into memory; and that they
     * hold no zero byte, which no JSON text in UTF-8 does: UTF-16 or UTF-32 text of ASCII characters is valid UTF-8
     * too, and Jackson, which guesses the encoding, would find it well-formed where the resource reads other text.
     */
    private static void requireUtf8(byte[] body) {
        for (byte b : body) {
            if (b == 0) {
                throw new TidingsException(ErrorCode.INVALID_ENCODING, "the body is not UTF-8: it holds a zero byte, "
                        + "as UTF-16 and UTF-32 text does");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(4096);
        CoderResult result;
        do {
            out.clear();
            result = decoder.decode(in, out, true);
            if (result.isError()) {
                throw new TidingsException(ErrorCode.INVALID_ENCODING, "the body is not valid UTF-8");
            }
        } while (result.isOverflow());
        out.clear();
        if (decoder.flush(out).isError()) {
            throw new TidingsException(ErrorCode.INVALID_ENCODING, "the body is not valid UTF-8");
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = DRAINED_BYTES;
        int read;
        while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
            left -= read;
        }
    }

    private static TidingsException tooLarge(int limit) {
        return new TidingsException(ErrorCode.REQUEST_TOO_LARGE, "the body is larger than this call's limit of "
                + limit + " bytes; send it in smaller parts");
    }
}
