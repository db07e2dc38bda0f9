package org.tidings.pull.boundary;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.Problem;
import org.tidings.pull.entity.ResyncRequired;

/**
 * 410 resync-required as application/problem+json with two more members: {@code oldest}, the oldest sequence number
 * still kept, and {@code current}, the last one handed out (RUP-5, RUP-12).
 */
@Provider
public class ResyncRequiredMapper implements ExceptionMapper<ResyncRequired> {

    public record ResyncProblem(String type, String title, int status, String detail, String code, long oldest,
            long current) {
    }

    @Override
    public Response toResponse(ResyncRequired e) {
        ErrorCode code = ErrorCode.RESYNC_REQUIRED;
        return Response.status(code.status()).type(Problem.MEDIA_TYPE).entity(new ResyncProblem(
                "urn:tidings:problem:" + code.code(), code.title(), code.status(), e.getMessage(), code.code(),
                e.oldest(), e.current())).build();
    }
}
