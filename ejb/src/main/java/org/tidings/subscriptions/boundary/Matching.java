package org.tidings.subscriptions.boundary;

import io.cloudevents.CloudEvent;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import org.tidings.subscriptions.entity.Match;
import org.tidings.subscriptions.entity.Subscription;

/** Which subscriptions want an event. */
@Stateless
public class Matching {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    public List<Match> matches(CloudEvent event) {
        return em.createNamedQuery(Subscription.ALL, Subscription.class).getResultStream()
                .filter(s -> s.filter().types().contains(event.getType()))
                .map(s -> new Match(s.id(), s.sinkId()))
                .toList();
    }
}
