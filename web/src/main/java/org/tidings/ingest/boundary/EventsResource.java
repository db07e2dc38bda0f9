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
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.ingest.control.CloudEventBatch;
import org.tidings.ingest.control.CloudEventReader;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.JsonBodies;
import org.tidings.platform.TidingsException;
import org.tidings.platform.security.Callers;

/**
 * HTTP ingest: a structured-mode JSON CloudEvent is answered 202 only once it is on the durable queue, a batch of them
 * 200 with each one's outcome once those accepted are. A source's token sends events of that source only (403
 * forged-source otherwise); an administrator's, of any provisioned one. The body is UTF-8: a Content-Type naming
 * another charset is refused, not reinterpreted.
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

    /** The header that marks an event in the HTTP binding's binary content mode. */
    public static final String BINARY_MODE = "ce-specversion";

    /** The most bytes of one batch: 1 MiB, three events of the largest size (tidings.ingest.max-event-bytes) and more. */
    @Inject
    @ConfigProperty(name = "tidings.ingest.max-batch-bytes", defaultValue = "1048576")
    int maxBatchBytes;

    /** The most events in one batch. */
    @Inject
    @ConfigProperty(name = "tidings.ingest.max-batch-events", defaultValue = "1000")
    int maxBatchEvents;

    @POST
    @Consumes({"application/cloudevents+json", MediaType.APPLICATION_JSON})
    @Produces(MediaType.APPLICATION_JSON)
    public Response submit(@HeaderParam(HttpHeaders.CONTENT_TYPE) MediaType type, InputStream body,
            @HeaderParam(BINARY_MODE) String binaryMode, @Context HttpServletRequest request) throws IOException {
        requireStructuredUtf8(type, binaryMode);
        // read at most one byte past the limit: the reader refuses it without buffering a huge body
        var event = intake.submit(body.readNBytes(reader.maxBytes() + 1), Callers.speaker(request));
        return Response.accepted(new Accepted(event.getId(), event.getSource().toString(), "accepted")).build();
    }

    /**
     * What one event's headers must say, on {@code /events} and the dry run alike: structured mode, in UTF-8.
     */
    public static void requireStructuredUtf8(MediaType type, String binaryMode) {
        if (binaryMode != null && !structured(type)) {
            // CloudEvents' HTTP binding: the mode is told by the Content-Type; with another type than
            // application/cloudevents+json, ce- headers mean binary mode (attributes as headers, the data as the
            // body). Read as structured, a body that is itself an event (a relay's) would be taken for the event and
            // its headers' event dropped. A structured event may carry ce- headers too (the binding, 3.2.3).
            throw new TidingsException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "an event in binary content mode (a "
                    + BINARY_MODE + " header) is not accepted: send it in structured mode, the whole event as "
                    + "application/cloudevents+json");
        }
        requireUtf8(type, "an event needs a Content-Type: application/cloudevents+json or application/json");
    }

    /** The answer to a batch: how many of its events were accepted and refused, and each one's outcome in order. */
    public record BatchOutcome(int accepted, int refused, List<Intake.Outcome> events) {
    }

    /**
     * Batched content mode (LEM-11; docs/adr/0025): a JSON array of structured-mode events, each judged as it would be
     * alone; those that pass are queued in one broker transaction (in parts if the broker does not take it whole). 200
     * with each event's outcome, by its place in the batch; a problem of the batch as a whole (not an array, too large,
     * the broker failing before anything of it was committed) is answered as for one event.
     */
    @POST
    @Consumes(CloudEventBatch.MEDIA_TYPE)
    @Produces(MediaType.APPLICATION_JSON)
    public Response submitBatch(@HeaderParam(HttpHeaders.CONTENT_TYPE) MediaType type, InputStream body,
            @Context HttpServletRequest request) throws IOException {
        requireUtf8(type, "a batch needs a Content-Type: " + CloudEventBatch.MEDIA_TYPE);
        byte[] batch = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8L, maxBatchBytes + 1L));
        if (batch.length > maxBatchBytes) {
            throw new TidingsException(ErrorCode.REQUEST_TOO_LARGE, "a batch has at most " + maxBatchBytes
                    + " bytes (tidings.ingest.max-batch-bytes); nothing of this one was accepted");
        }
        List<Intake.Outcome> outcomes = intake.submitBatch(CloudEventBatch.split(batch, maxBatchEvents),
                Callers.speaker(request));
        int accepted = (int) outcomes.stream().filter(outcome -> outcome.code() == null).count();
        return Response.ok(new BatchOutcome(accepted, outcomes.size() - accepted, outcomes)).build();
    }

    private static boolean structured(MediaType type) {
        return type != null && "application".equalsIgnoreCase(type.getType())
                && "cloudevents+json".equalsIgnoreCase(type.getSubtype());
    }

    /** Events are UTF-8 (RFC 8259): a Content-Type naming another charset is refused, not reinterpreted. */
    private static void requireUtf8(MediaType type, String missing) {
        if (type == null) {
            throw new TidingsException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, missing);
        }
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (!JsonBodies.utf8(charset)) {
            throw new TidingsException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "events are UTF-8 (RFC 8259); charset " + charset + " is not accepted");
        }
    }
}
