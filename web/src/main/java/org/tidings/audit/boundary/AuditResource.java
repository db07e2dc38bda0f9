package org.tidings.audit.boundary;

import jakarta.ejb.EJB;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.tidings.audit.entity.AuditQuery;
import org.tidings.audit.entity.AuditRecord;
import org.tidings.platform.QueryInstant;

/** The audit log of administrative changes, newest first, for admins (docs/adr/0020). */
@RolesAllowed("admin")
@Path("api/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    /** One change: who ({@code actor}, the caller principal's name), what, on which target, when ({@code at}). */
    public record AuditView(long id, Instant at, String actor, String action, String targetType, String targetId,
            String summary) {
        static AuditView of(AuditRecord r) {
            return new AuditView(r.id(), r.changedAt(), r.actor(), r.action(), r.targetType(), r.targetId(),
                    r.summary());
        }
    }

    @EJB
    AuditLog log;

    /**
     * A page of records, newest first; {@code before} is the {@code id} of the last record of the previous page.
     * Optional filters: {@code actor}, {@code target} (its id), {@code action}, made in [{@code from}, {@code to})
     * (ISO-8601 instants).
     */
    @GET
    public List<AuditView> page(@QueryParam("actor") @Size(max = AuditRecord.ACTOR_CHARS) String actor,
            @QueryParam("target") @Size(max = 100) String target, @QueryParam("action") @Size(max = 60) String action,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("before") @Min(1) Long before,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(AuditQuery.MAX_LIMIT) int limit) {
        var query = new AuditQuery(blankless(actor), blankless(target), blankless(action),
                QueryInstant.of("from", from), QueryInstant.of("to", to), before, limit);
        return log.page(query).stream().map(AuditView::of).toList();
    }

    private static String blankless(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
