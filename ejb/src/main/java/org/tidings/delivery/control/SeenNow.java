package org.tidings.delivery.control;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.tidings.delivery.entity.Notification;
import org.tidings.ingest.control.CloudEventReader;
import org.tidings.sinks.entity.Sink;
import org.tidings.subscriptions.control.UriReach;
import org.tidings.trust.boundary.GrantDirectory;

/**
 * The see check of S2S-11 (a) once more, when a notification is about to leave: a subscriber whose see grant was
 * revoked after the event was matched gets nothing more of it, whether it waited for a retry, was redriven from the
 * dead letters, or had not yet reached its pull feed (docs/adr/0022). The administrators' sinks are not checked.
 */
@ApplicationScoped
public class SeenNow {

    @EJB
    GrantDirectory grants;

    @Inject
    CloudEventReader reader;

    /** Why the notification must not go to its sink now, or null if it may (or the sink has no subscriber). */
    public String withheld(Sink sink, Notification notification) {
        if (sink.ownerId() == null) {
            return null;
        }
        java.util.List<String> uris;
        try {
            uris = UriReach.aboutUris(reader.read(notification.body()));
        } catch (RuntimeException unreadable) { // read once at ingest; a tighter limit since must not loop it
            return "not sent: the event can no longer be read to check the see grants of subscriber "
                    + sink.ownerId() + " (" + unreadable.getMessage() + ")";
        }
        if (grants.seen(sink.ownerId()).coversAll(uris)) {
            return null;
        }
        return "not sent: the see grants of subscriber " + sink.ownerId() + " no longer cover every URI this event is "
                + "about (a grant was revoked after it matched)";
    }
}
