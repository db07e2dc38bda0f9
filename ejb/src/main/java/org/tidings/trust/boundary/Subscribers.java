package org.tidings.trust.boundary;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tidings.audit.boundary.Audited;
import org.tidings.audit.entity.AuditTarget;
import org.tidings.platform.BrokerAccounts;
import org.tidings.platform.BrokerManagement;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.Listing;
import org.tidings.platform.TidingsException;
import org.tidings.trust.control.OwnerLimits;
import org.tidings.trust.entity.PrincipalKind;
import org.tidings.trust.entity.Subscriber;

/** Provisioning of subscribers: the parties that own subscriptions and sinks. */
@Stateless
public class Subscribers {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @EJB
    Tokens tokens;

    @Inject
    OwnerLimits limits;

    @EJB
    Grants grants;

    @Inject
    BrokerAccounts brokerAccounts;

    private static final Logger LOG = Logger.getLogger(Subscribers.class.getName());

    private final Clock clock = Clock.systemUTC();

    /** A subscriber's broker user just provisioned, or its password just reset: the only moment it is shown. */
    public record BrokerCredentials(Subscriber subscriber, String user, String password) implements AuditTarget {
        @Override
        public UUID id() {
            return subscriber.id();
        }

        /** The subscriber and its broker user: never the password. */
        @Override
        public String auditSummary() {
            return subscriber.auditSummary() + ", brokerUser=" + user;
        }

        @Override
        public String toString() {
            return "BrokerCredentials[subscriber=" + subscriber.id() + ", user=" + user + ", password=(not shown)]";
        }
    }

    /**
     * Makes the subscriber's broker user (docs/adr/0021), or gives it a new password if it exists: its one role, named
     * like it, lets it consume and browse the queues of the subscriber's JMS sinks and nothing else. Nothing is
     * stored in the database.
     */
    @Audited("subscriber.provision-broker-user")
    public BrokerCredentials provisionBrokerUser(UUID id) {
        Subscriber subscriber = find(id);
        String user = BrokerAccounts.subscriberUser(id);
        try {
            return new BrokerCredentials(subscriber, user, brokerAccounts.provision(user, user));
        } catch (JMSException | JMSRuntimeException e) {
            throw brokerFailure("provisioned", e);
        }
    }

    /** Removes the subscriber's broker user from the broker, if it is there. */
    @Audited("subscriber.remove-broker-user")
    public Subscriber removeBrokerUser(UUID id) {
        Subscriber subscriber = find(id);
        try {
            if (!brokerAccounts.remove(BrokerAccounts.subscriberUser(id))) {
                subscriber.unchangedByThisCall(); // it had none
            }
        } catch (JMSException | JMSRuntimeException e) {
            throw brokerFailure("removed", e);
        }
        return subscriber;
    }

    private static TidingsException brokerFailure(String what, Exception e) {
        if (e instanceof BrokerManagement.Refused) {
            return new TidingsException(ErrorCode.BROKER_REFUSED, "the subscriber's broker user cannot be " + what
                    + ": " + e.getMessage() + "; Tidings changed nothing (the broker may have done the steps before "
                    + "the refused one)", e);
        }
        return new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the subscriber's broker user cannot be " + what
                + ": the message broker cannot be reached or did not answer (it may have acted on what it "
                + "received); Tidings changed nothing, retry", e);
    }

    @Audited("subscriber.create")
    public Subscriber create(String name, String description) {
        if (everything().stream().anyMatch(s -> s.name().equals(name))) {
            throw new TidingsException(ErrorCode.CONFLICT, "a subscriber named " + name + " exists already");
        }
        var subscriber = new Subscriber(name, description, clock.instant());
        em.persist(subscriber);
        return subscriber;
    }

    /** A page of all subscribers. */
    public Listing<Subscriber> page(Listing.Position after, int limit) {
        return Listing.read(em, Subscriber.class, null, Map.of(), after, limit,
                r -> new Listing.Position(r.createdAt(), r.id()));
    }

    public Subscriber find(UUID id) {
        return Optional.ofNullable(em.find(Subscriber.class, id))
                .orElseThrow(() -> TidingsException.notFound("subscriber", id));
    }

    /**
     * Deletes a subscriber and revokes its tokens and grants, once it owns no sink and no group (else 409 conflict,
     * nothing changed): under its row lock, which its own creations take too.
     */
    @Audited("subscriber.delete")
    public void delete(UUID id) {
        Subscriber subscriber = Optional.ofNullable(em.find(Subscriber.class, id, LockModeType.PESSIMISTIC_WRITE))
                .orElseThrow(() -> TidingsException.notFound("subscriber", id));
        limits.requireNothingOwned(id); // before the broker is asked to change anything
        removeBrokerUserIfAny(id);
        tokens.revokeAll(PrincipalKind.SUBSCRIBER, id);
        grants.deleteAll(PrincipalKind.SUBSCRIBER, id);
        em.remove(subscriber);
    }

    /**
     * Whether the subscriber has a broker user is known only to the broker: it is asked to remove one. If it cannot
     * be reached, nothing is deleted (503); a broker whose users Tidings may not change at all (the refusal says so:
     * not permitted, no users file) has none of Tidings' making, and the subscriber goes. Any other refusal (the users
     * file cannot be written, say) may leave the user able to read the subscriber's sink queues: nothing is deleted
     * (502).
     */
    private void removeBrokerUserIfAny(UUID id) {
        try {
            brokerAccounts.remove(BrokerAccounts.subscriberUser(id));
        } catch (BrokerManagement.Refused e) {
            if (!e.noUsersToChange()) {
                throw brokerFailure("removed", e);
            }
            LOG.log(Level.INFO, "subscriber {0}: the broker keeps no users Tidings may change ({1})",
                    new Object[] {id, e.getMessage()});
        } catch (JMSException | JMSRuntimeException e) {
            throw brokerFailure("removed", e);
        }
    }

    private List<Subscriber> everything() {
        return em.createNamedQuery(Subscriber.ALL, Subscriber.class).getResultList();
    }
}
