package org.tidings.subscriptions.control;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import org.tidings.sources.boundary.SourceDirectory;
import org.tidings.subscriptions.boundary.ChangePublisher;
import org.tidings.subscriptions.boundary.Matching;
import org.tidings.subscriptions.entity.ChangeNotice;

/**
 * Tells every instance that a source, subscription or group changed. A change fires a {@link ChangeNotice} in the
 * changing transaction; once that transaction has committed, this instance applies it before the admin call
 * returns, and {@link ChangePublisher} puts it on the {@code tidings.changes} topic for the other instances. No
 * notice exists for a change that did not commit, and no admin transaction spans the database and the broker
 * (docs/adr/0007).
 */
@ApplicationScoped
public class ChangeNotices {

    @Inject
    Event<ChangeNotice> committed;

    @EJB
    Matching matching;

    @EJB
    SourceDirectory sources;

    @EJB
    ChangePublisher publisher;

    public void changed(ChangeNotice notice) {
        committed.fire(notice);
    }

    /** Brings this instance's in-memory views up to date with one committed change. */
    public void apply(ChangeNotice notice) {
        if (notice.kind() == ChangeNotice.Kind.SOURCE) {
            sources.refresh(notice.id());
        } else {
            matching.refresh(notice);
        }
    }

    void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) ChangeNotice notice) {
        publisher.publish(notice);
        apply(notice);
    }
}
