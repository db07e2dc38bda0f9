package org.tidings.platform;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * An RFC 9457 problem document. {@code code} is the stable, machine-parsable part; {@code type} is derived
 * from it; {@code title} and {@code detail} are for people.
 */
public record Problem(String type, String title, int status, String detail, String code, List<FieldError> errors) {

    public static final MediaType MEDIA_TYPE = new MediaType("application", "problem+json");

    public record FieldError(String field, String message) {
    }

    public static Response of(ErrorCode code, String detail) {
        return of(code, detail, null);
    }

    public static Response of(ErrorCode code, String detail, List<FieldError> errors) {
        return of(code, detail, errors, null);
    }

    /** A refusal with the caller's own Retry-After (whole seconds, rounded up, at least 1), e.g. a quota's. */
    public static Response of(TidingsException refusal) {
        return of(refusal.code(), refusal.getMessage(), null, refusal.retryAfter());
    }

    private static Response of(ErrorCode code, String detail, List<FieldError> errors, Duration retryAfter) {
        var response = Response.status(code.status()).type(MEDIA_TYPE).entity(document(code, detail, errors));
        if (code.status() == 401) {
            // RFC 6750 section 3: how to authenticate, and whether the token sent was the trouble
            response.header("WWW-Authenticate", code == ErrorCode.INVALID_TOKEN
                    ? "Bearer realm=\"tidings\", error=\"invalid_token\"" : "Bearer realm=\"tidings\"");
        }
        if (retryAfter != null) {
            response.header("Retry-After", retryAfterSeconds(retryAfter));
        } else if (code.status() == 503 || code.status() == 429) {
            response.header("Retry-After", retryAfterSeconds(TidingsException.DEFAULT_RETRY));
        }
        return response.build();
    }

    static long retryAfterSeconds(Duration wait) {
        return TidingsException.retryAfterSeconds(wait);
    }

    /**
     * Writes the problem as a servlet's answer, for refusals made before JAX-RS runs (the error page, the plain-HTTP
     * gate).
     */
    static void send(HttpServletResponse response, ErrorCode code, String detail) throws IOException {
        response.setStatus(code.status());
        response.setContentType(MEDIA_TYPE.toString());
        response.setCharacterEncoding("UTF-8");
        ServletJson.JSON.toJson(document(code, detail), response.getOutputStream());
    }

    /** JSON-B for answers written by servlets, outside JAX-RS's provider; made on first use (the server has it). */
    private static final class ServletJson {
        static final Jsonb JSON = JsonbBuilder.create();
    }

    static Problem document(ErrorCode code, String detail) {
        return document(code, detail, null);
    }

    private static Problem document(ErrorCode code, String detail, List<FieldError> errors) {
        return new Problem("urn:tidings:problem:" + code.code(), code.title(), code.status(), detail, code.code(), errors);
    }

    /** The code for a status that a layer below Tidings chose (JAX-RS, Jersey, the servlet container). */
    static ErrorCode codeFor(int status) {
        return switch (status) {
            case 400 -> ErrorCode.INVALID_REQUEST;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 413 -> ErrorCode.EVENT_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.INVALID_REQUEST;
        };
    }
}
