package org.tidings.platform;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 problem document. {@code code} is the stable, machine-parsable part; {@code type} is derived
 * from it; {@code title} and {@code detail} are for people.
 */
public record Problem(String type, String title, int status, String detail, String code, List<FieldError> errors) {

    public static final MediaType MEDIA_TYPE = new MediaType("application", "problem+json");

    public record FieldError(String field, String message) {
    }

    private static final int RETRY_AFTER_SECONDS = 2;

    public static Response of(ErrorCode code, String detail) {
        return of(code, detail, null);
    }

    public static Response of(ErrorCode code, String detail, List<FieldError> errors) {
        var problem = new Problem("urn:tidings:problem:" + code.code(), code.title(), code.status(), detail,
                code.code(), errors);
        var response = Response.status(code.status()).type(MEDIA_TYPE).entity(problem);
        if (code.status() == 503) {
            response.header("Retry-After", RETRY_AFTER_SECONDS); // the broker's own reconnect takes about this long
        }
        return response.build();
    }
}
