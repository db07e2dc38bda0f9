package org.tidings.trust.boundary;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.tidings.audit.boundary.Audited;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.trust.entity.PrincipalKind;
import org.tidings.trust.entity.Subscriber;

/** Provisioning of subscribers: the parties that own subscriptions and sinks. */
@Stateless
public class Subscribers {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @EJB
    Tokens tokens;

    @EJB
    Grants grants;

    private final Clock clock = Clock.systemUTC();

    @Audited("subscriber.create")
    public Subscriber create(String name, String description) {
        if (all().stream().anyMatch(s -> s.name().equals(name))) {
            throw new TidingsException(ErrorCode.CONFLICT, "a subscriber named " + name + " exists already");
        }
        var subscriber = new Subscriber(name, description, clock.instant());
        em.persist(subscriber);
        return subscriber;
    }

    public List<Subscriber> all() {
        return em.createNamedQuery(Subscriber.ALL, Subscriber.class).getResultList();
    }

    public Subscriber find(UUID id) {
        return Optional.ofNullable(em.find(Subscriber.class, id))
                .orElseThrow(() -> TidingsException.notFound("subscriber", id));
    }

    /** Deletes a subscriber and revokes its tokens. */
    @Audited("subscriber.delete")
    public void delete(UUID id) {
        Subscriber subscriber = find(id);
        tokens.revokeAll(PrincipalKind.SUBSCRIBER, id);
        grants.deleteAll(PrincipalKind.SUBSCRIBER, id);
        em.remove(subscriber);
    }
}
