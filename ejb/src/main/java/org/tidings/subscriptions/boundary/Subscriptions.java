package org.tidings.subscriptions.boundary;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.tidings.audit.boundary.Audited;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.provisioning.control.ChangeStore;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.sinks.entity.Sink;
import org.tidings.subscriptions.control.FilterExpression;
import org.tidings.subscriptions.entity.Filter;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.subscriptions.entity.Subscription;

/** Provisioning of subscriptions; every change is recorded in the change log, which every instance's index follows. */
@Stateless
public class Subscriptions {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    ChangeStore changes;

    private final Clock clock = Clock.systemUTC();

    /** A new subscription of the sink, owned by the sink's owner. */
    @Audited("subscription.create")
    public Subscription create(UUID sinkId, Filter filter, Instant expiresAt) {
        Sink sink = em.find(Sink.class, sinkId);
        if (sink == null) {
            throw new TidingsException(ErrorCode.UNKNOWN_SINK, "sink " + sinkId + " does not exist");
        }
        validate(filter);
        var subscription = new Subscription(sinkId, filter, expiresAt, clock.instant());
        subscription.ownedBy(sink.ownerId());
        em.persist(subscription);
        announce(subscription.id());
        return subscription;
    }

    @Audited("subscription.update")
    public Subscription update(UUID id, Filter filter, Instant expiresAt) {
        validate(filter);
        var subscription = find(id);
        subscription.changed(filter, expiresAt);
        announce(id);
        return subscription;
    }

    public List<Subscription> all() {
        return em.createNamedQuery(Subscription.ALL, Subscription.class).getResultList();
    }

    /** The subscriptions of one subscriber (those of its sinks). */
    public List<Subscription> ownedBy(UUID owner) {
        return em.createNamedQuery(Subscription.OF_OWNER, Subscription.class).setParameter("ownerId", owner)
                .getResultList();
    }

    public List<Subscription> ofSink(UUID sinkId) {
        return em.createNamedQuery(Subscription.BY_SINK, Subscription.class).setParameter("sinkId", sinkId)
                .getResultList();
    }

    public Subscription find(UUID id) {
        return Optional.ofNullable(em.find(Subscription.class, id))
                .orElseThrow(() -> TidingsException.notFound("subscription", id));
    }

    @Audited("subscription.delete")
    public void delete(UUID id) {
        em.remove(find(id));
        announce(id);
    }

    private void announce(UUID id) {
        changes.recorded(ChangeKind.SUBSCRIPTION, id);
    }

    private void validate(Filter filter) {
        for (UUID group : filter.groups()) {
            if (em.find(ResourceGroup.class, group) == null) {
                throw new TidingsException(ErrorCode.INVALID_FILTER, "resource group " + group + " does not exist");
            }
        }
        if (filter.expression() == null) {
            return;
        }
        try {
            FilterExpression.check(filter.expression());
        } catch (RuntimeException e) {
            // ParseException, and a NullPointerException the SDK's parser throws on some truncated input
            throw new TidingsException(ErrorCode.INVALID_FILTER, "expression is not valid CloudEvents SQL"
                    + (e.getMessage() == null || e instanceof NullPointerException ? "" : ": " + e.getMessage()));
        }
    }
}
