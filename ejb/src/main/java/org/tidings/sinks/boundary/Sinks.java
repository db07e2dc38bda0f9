package org.tidings.sinks.boundary;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;
import org.tidings.subscriptions.entity.Subscription;

/** Provisioning of sinks. */
@Stateless
public class Sinks {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    private final Clock clock = Clock.systemUTC();

    public Sink create(String name, Channel channel) {
        var sink = new Sink(name, channel, clock.instant());
        em.persist(sink);
        return sink;
    }

    public List<Sink> all() {
        return em.createNamedQuery(Sink.ALL, Sink.class).getResultList();
    }

    public Sink find(UUID id) {
        return Optional.ofNullable(em.find(Sink.class, id)).orElseThrow(() -> TidingsException.notFound("sink", id));
    }

    /** A sink with subscriptions cannot go: removing it would silently end deliveries someone relies on. */
    public void delete(UUID id) {
        var sink = find(id);
        boolean subscribed = !em.createNamedQuery(Subscription.BY_SINK, Subscription.class)
                .setParameter("sinkId", id).setMaxResults(1).getResultList().isEmpty();
        if (subscribed) {
            throw new TidingsException(ErrorCode.CONFLICT, "sink " + id + " still has subscriptions");
        }
        em.remove(sink);
    }
}
