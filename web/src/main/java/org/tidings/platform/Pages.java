package org.tidings.platform;

import jakarta.ws.rs.core.Link;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/**
 * A list of the admin API, one page at a time (docs/adr/0026): {@code ?limit=} rows (default
 * {@value Listing#DEFAULT_LIMIT}, at most {@value Listing#MAX_LIMIT}) after {@code ?after=}, answered as a JSON array;
 * when more may follow, a {@code Link: <...>; rel="next"} header holds the request for the next page.
 */
public final class Pages {

    private Pages() {
    }

    /** The position to read after: absent or blank for the first page, else one this API gave. */
    public static Listing.Position after(String after) {
        return Listing.Position.parse("after", after);
    }

    /** The page's answer: {@code views} (the rows of {@code listing}, as the caller shows them) and the next link. */
    public static Response of(UriInfo uri, Listing<?> listing, List<?> views, int limit) {
        Response.ResponseBuilder answer = Response.ok(views);
        if (listing.next() != null) {
            answer.links(Link.fromUriBuilder(uri.getRequestUriBuilder().replaceQueryParam("after", listing.next().text())
                    .replaceQueryParam("limit", limit)).rel("next").build());
        }
        return answer.build();
    }
}
