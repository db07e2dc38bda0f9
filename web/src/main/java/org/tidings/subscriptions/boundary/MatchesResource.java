package org.tidings.subscriptions.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.tidings.ingest.boundary.EventsResource;
import org.tidings.ingest.boundary.Intake;
import org.tidings.ingest.control.CloudEventReader;
import org.tidings.platform.QueryFlag;
import org.tidings.subscriptions.entity.Match;

/**
 * A dry run for administrators: which subscriptions would this CloudEvent reach, according to this instance's
 * matching index and grants? Nothing is queued or delivered. {@code refused}: the code ingest would refuse the event
 * with (unknown source, or a send or route grant missing), if any; {@code matches}: the subscriptions it would be
 * delivered to; with {@code ?explain=true}, {@code verdicts}: each subscription (up to 1,000) matched, denied (which
 * see grant is missing) or filtered-out (which filter part the event fails).
 */
@RolesAllowed("viewer")
@Path("api/matches")
public class MatchesResource {

    public record Matches(int indexed, String refused, List<Match> matches, List<Intake.Verdict> verdicts) {
    }

    private static final int MOST_EXPLAINED = 1000;

    @EJB
    Matching matching;

    @EJB
    Intake intake;

    @Inject
    CloudEventReader reader;

    @POST
    @Consumes({"application/cloudevents+json", MediaType.APPLICATION_JSON})
    @Produces(MediaType.APPLICATION_JSON)
    public Matches match(InputStream body, @QueryParam("explain") String explainFlag,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) MediaType type,
            @HeaderParam(EventsResource.BINARY_MODE) String binaryMode) throws IOException {
        boolean explain = QueryFlag.of("explain", explainFlag);
        EventsResource.requireStructuredUtf8(type, binaryMode); // as /events would refuse it
        var event = reader.read(body.readNBytes(reader.maxBytes() + 1));
        var dryRun = intake.dryRun(event, explain ? MOST_EXPLAINED : 0);
        return new Matches(matching.size(), dryRun.refused(), dryRun.delivered(), dryRun.verdicts());
    }
}
