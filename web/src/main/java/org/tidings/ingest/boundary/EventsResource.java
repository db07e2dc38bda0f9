package org.tidings.ingest.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import org.tidings.ingest.control.CloudEventReader;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.platform.security.Callers;

/**
 * HTTP ingest: a structured-mode JSON CloudEvent is answered 202 only once it is on the durable queue. A source's
 * token sends events of that source only (403 forged-source otherwise); an administrator's, of any provisioned one. The body is
 * UTF-8: a Content-Type naming another charset is refused, not reinterpreted.
 */
@RolesAllowed({"source", "admin"})
@Path("events")
public class EventsResource {

    public record Accepted(String id, String source, String status) {
    }

    @EJB
    Intake intake;

    @Inject
    CloudEventReader reader;

    @POST
    @Consumes({"application/cloudevents+json", MediaType.APPLICATION_JSON})
    @Produces(MediaType.APPLICATION_JSON)
    public Response submit(@HeaderParam(HttpHeaders.CONTENT_TYPE) MediaType type, InputStream body,
            @Context HttpServletRequest request) throws IOException {
        if (type == null) {
            throw new TidingsException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "an event needs a Content-Type: application/cloudevents+json or application/json");
        }
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !charset.equalsIgnoreCase("utf-8")) {
            throw new TidingsException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "events are UTF-8 (RFC 8259); charset " + charset + " is not accepted");
        }
        // read at most one byte past the limit: the reader refuses it without buffering a huge body
        var event = intake.submit(body.readNBytes(reader.maxBytes() + 1), Callers.speaker(request));
        return Response.accepted(new Accepted(event.getId(), event.getSource().toString(), "accepted")).build();
    }
}
