package org.tidings.subscriptions.control;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.platform.Resources;
import org.tidings.sources.boundary.SourceDirectory;
import org.tidings.subscriptions.boundary.Matching;
import org.tidings.subscriptions.entity.ChangeNotice;

/**
 * Tells every instance that a source, subscription or group changed. The notice goes on the
 * {@code tidings.changes} topic inside the changing transaction (so it exists only if the change commits), and
 * this instance applies it as soon as the transaction has committed, before the admin call returns.
 */
@ApplicationScoped
public class ChangeNotices {

    public static final String KIND = "tidings_kind";
    public static final String ID = "tidings_id";

    @Inject
    @JMSConnectionFactory(Resources.CONNECTION_FACTORY)
    JMSContext jms;

    @Inject
    @ConfigProperty(name = "tidings.topic.changes", defaultValue = "tidings.changes")
    String topic;

    @Inject
    Event<ChangeNotice> committed;

    @EJB
    Matching matching;

    @EJB
    SourceDirectory sources;

    public void changed(ChangeNotice notice) {
        var message = jms.createMessage();
        try {
            message.setStringProperty(KIND, notice.kind().name());
            message.setStringProperty(ID, notice.id().toString());
        } catch (JMSException e) {
            throw new IllegalStateException("cannot build change notice", e);
        }
        jms.createProducer().send(jms.createTopic(topic), message);
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

    void applyHere(@Observes(during = TransactionPhase.AFTER_SUCCESS) ChangeNotice notice) {
        apply(notice);
    }
}
