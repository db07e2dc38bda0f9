package org.tidings.ingest.boundary;

import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;

/** HTTP ingest: a structured-mode JSON CloudEvent is answered 202 only once it is on the durable queue. */
@Path("events")
public class EventsResource {

    public record Accepted(String id, String source, String status) {
    }

    @EJB
    Intake intake;

    @Inject
    @ConfigProperty(name = "tidings.ingest.max-event-bytes", defaultValue = "262144")
    int maxBytes;

    @POST
    @Consumes({"application/cloudevents+json", MediaType.APPLICATION_JSON})
    @Produces(MediaType.APPLICATION_JSON)
    public Response submit(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw new TidingsException(ErrorCode.EVENT_TOO_LARGE, "event exceeds " + maxBytes + " bytes");
        }
        var event = intake.submit(bytes);
        return Response.accepted(new Accepted(event.getId(), event.getSource().toString(), "accepted")).build();
    }
}
