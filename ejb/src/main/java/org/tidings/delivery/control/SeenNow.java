package org.tidings.delivery.control;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.tidings.delivery.entity.Notification;
import org.tidings.ingest.control.CloudEventReader;
import org.tidings.sinks.entity.Sink;
import org.tidings.subscriptions.control.UriReach;
import org.tidings.trust.boundary.GrantDirectory;
import org.tidings.trust.control.GrantRules;

/**
 * The see check of S2S-11 (a) once more, when a notification is about to leave: a subscriber whose see grant was
 * revoked after the event was matched gets nothing more of it, whether it waited for a retry, was redriven from the
 * dead letters, or had not yet reached its pull feed; and when a pull client reads its feed, or a JMS sink's queue is
 * swept after a revocation (docs/adr/0022). The administrators' sinks are not checked.
 */
@ApplicationScoped
public class SeenNow {

    @EJB
    GrantDirectory grants;

    /**
     * Reads events that were accepted, as they are sent: numbered ({@code tidingsseq} added), so possibly a few bytes
     * over {@code tidings.ingest.max-event-bytes}, and perhaps accepted under a higher limit than today's. No size
     * limit here; the envelope's other rules are intake's.
     */
    private static final CloudEventReader ACCEPTED = new CloudEventReader(Integer.MAX_VALUE);

    /** Why the notification must not go to its sink now, or null if it may (or the sink has no subscriber). */
    public String withheld(Sink sink, Notification notification) {
        return withheld(sink, notification.body());
    }

    /**
     * True only if the event reads and the sink's subscriber's see grants do not cover it now: what a sweep may take
     * away for good. An event that no longer reads is not judged here (it is kept, not thrown away).
     */
    public boolean deniedNow(Sink sink, byte[] body) {
        Judged judged = judged(sink, body);
        return judged != null && judged.read();
    }

    /**
     * Why an event with this body must not reach the sink's subscriber now, or null if it may (or the sink has no
     * subscriber). Reads the body only if the subscriber's see grants are not a grant of all.
     */
    public String withheld(Sink sink, byte[] body) {
        Judged judged = judged(sink, body);
        return judged == null ? null : judged.why();
    }

    /** Whether the sink's subscriber (if it has one) may see events about this URI now. */
    public boolean sees(Sink sink, String uri) {
        GrantRules seen = rulesToCheck(sink);
        if (seen == null) {
            return true;
        }
        try {
            return seen.covers(UriReach.normalize(uri));
        } catch (RuntimeException notAUri) {
            return false;
        }
    }

    /** The see grants of the sink's subscriber, or null if there is none to check (no subscriber, a grant of all). */
    private GrantRules rulesToCheck(Sink sink) {
        if (sink.ownerId() == null) {
            return null;
        }
        GrantRules seen = grants.seen(sink.ownerId());
        return seen.allowsEverything() ? null : seen;
    }

    /** Why the event may not reach the sink's subscriber, and whether it was read to say so. */
    private record Judged(boolean read, String why) {
    }

    /** The see check itself, or null if the event may go. */
    private Judged judged(Sink sink, byte[] body) {
        GrantRules seen = rulesToCheck(sink);
        if (seen == null) {
            return null;
        }
        List<String> uris;
        try {
            uris = UriReach.aboutUris(ACCEPTED.readAccepted(body));
        } catch (RuntimeException unreadable) { // it was read at ingest; a rule tightened since may refuse it now
            return new Judged(false, "not sent: the event can no longer be read to check the see grants of "
                    + "subscriber " + sink.ownerId() + " (" + unreadable.getMessage() + ")");
        }
        if (seen.coversAll(uris)) {
            return null;
        }
        return new Judged(true, "not sent: the see grants of subscriber " + sink.ownerId() + " no longer cover every "
                + "URI this event is about (a grant was revoked after it matched)");
    }
}
