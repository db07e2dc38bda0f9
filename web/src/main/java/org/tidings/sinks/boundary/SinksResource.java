package org.tidings.sinks.boundary;

import jakarta.ejb.EJB;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;

@Path("api/sinks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SinksResource {

    public record SinkRequest(
            @NotBlank @Size(max = 200) String name,
            @NotNull @Pattern(regexp = "(?i)jms", message = "must be one of: jms") String channel) {
    }

    public record SinkView(UUID id, String name, String channel, String queue, Instant createdAt) {
        static SinkView of(Sink s) {
            return new SinkView(s.id(), s.name(), s.channel().name().toLowerCase(Locale.ROOT),
                    s.channel() == Channel.JMS ? s.endpoint() : null, s.createdAt());
        }
    }

    @EJB
    Sinks sinks;

    @POST
    public Response create(@NotNull @Valid SinkRequest request, @Context UriInfo uri) {
        var sink = sinks.create(request.name(), Channel.valueOf(request.channel().toUpperCase(Locale.ROOT)));
        return Response.created(uri.getAbsolutePathBuilder().path(sink.id().toString()).build())
                .entity(SinkView.of(sink)).build();
    }

    @GET
    public List<SinkView> all() {
        return sinks.all().stream().map(SinkView::of).toList();
    }

    @GET
    @Path("{id}")
    public SinkView one(@PathParam("id") UUID id) {
        return SinkView.of(sinks.find(id));
    }

    /** {@code ?purge=true} discards notifications still queued for the sink; without it such a sink stays (409). */
    @DELETE
    @Path("{id}")
    public void delete(@PathParam("id") UUID id, @QueryParam("purge") @DefaultValue("false") boolean purge) {
        sinks.delete(id, purge);
    }
}
