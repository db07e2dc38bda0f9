package org.tidings.subscriptions.boundary;

import io.cloudevents.sql.ParseException;
import io.cloudevents.sql.Parser;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.sinks.entity.Sink;
import org.tidings.subscriptions.entity.Filter;
import org.tidings.subscriptions.entity.Subscription;

/** Provisioning of subscriptions. */
@Stateless
public class Subscriptions {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    private final Clock clock = Clock.systemUTC();

    public Subscription create(UUID sinkId, Filter filter) {
        if (em.find(Sink.class, sinkId) == null) {
            throw new TidingsException(ErrorCode.UNKNOWN_SINK, "sink " + sinkId + " does not exist");
        }
        validate(filter);
        var subscription = new Subscription(sinkId, filter, clock.instant());
        em.persist(subscription);
        return subscription;
    }

    public Subscription update(UUID id, Filter filter) {
        validate(filter);
        var subscription = find(id);
        subscription.filterChanged(filter);
        return subscription;
    }

    public List<Subscription> all() {
        return em.createNamedQuery(Subscription.ALL, Subscription.class).getResultList();
    }

    public List<Subscription> ofSink(UUID sinkId) {
        return em.createNamedQuery(Subscription.BY_SINK, Subscription.class).setParameter("sinkId", sinkId)
                .getResultList();
    }

    public Subscription find(UUID id) {
        return Optional.ofNullable(em.find(Subscription.class, id))
                .orElseThrow(() -> TidingsException.notFound("subscription", id));
    }

    public void delete(UUID id) {
        em.remove(find(id));
    }

    private static void validate(Filter filter) {
        if (filter.expression() == null) {
            return;
        }
        try {
            Parser.parseDefault(filter.expression());
        } catch (ParseException e) {
            throw new TidingsException(ErrorCode.INVALID_FILTER,
                    "expression is not valid CloudEvents SQL: " + e.getMessage());
        } catch (RuntimeException e) {
            // the SDK's parser fails with a NullPointerException on some truncated input ("subject LIKE")
            throw new TidingsException(ErrorCode.INVALID_FILTER, "expression is not valid CloudEvents SQL");
        }
    }
}
