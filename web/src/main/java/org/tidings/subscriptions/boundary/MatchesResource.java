package org.tidings.subscriptions.boundary;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.tidings.ingest.control.CloudEventReader;
import org.tidings.subscriptions.entity.Match;

/**
 * A dry run for administrators: which subscriptions would this CloudEvent reach, according to this instance's
 * matching index? Nothing is queued or delivered.
 */
@RolesAllowed("viewer")
@Path("api/matches")
public class MatchesResource {

    public record Matches(int indexed, List<Match> matches) {
    }

    @EJB
    Matching matching;

    @Inject
    CloudEventReader reader;

    @POST
    @Consumes({"application/cloudevents+json", MediaType.APPLICATION_JSON})
    @Produces(MediaType.APPLICATION_JSON)
    public Matches match(InputStream body) throws IOException {
        var event = reader.read(body.readNBytes(reader.maxBytes() + 1));
        return new Matches(matching.size(), matching.matches(event));
    }
}
