package org.tidings.sources.boundary;

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
import org.tidings.audit.boundary.Audited;
import org.tidings.audit.entity.AuditTarget;
import org.tidings.platform.BrokerAccounts;
import org.tidings.platform.BrokerManagement;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.Listing;
import org.tidings.platform.TidingsException;
import org.tidings.provisioning.control.ChangeStore;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.sources.entity.Source;
import org.tidings.sources.entity.SourceQuota;
import org.tidings.subscriptions.control.UriNormalizer;
import org.tidings.trust.boundary.Grants;
import org.tidings.trust.boundary.Tokens;
import org.tidings.trust.entity.PrincipalKind;

/** Provisioning of event sources; every change is recorded in the change log, which every instance's directory follows. */
@Stateless
public class Sources {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    ChangeStore changes;

    @EJB
    Tokens tokens;

    @EJB
    Grants grants;

    @Inject
    BrokerAccounts brokerAccounts;

    private final Clock clock = Clock.systemUTC();

    /** A new source; {@code brokerUser}, if not null, is the broker user that may send its events (docs/adr/0021). */
    @Audited("source.create")
    public Source create(String name, String uri, String description,
            @Audited.Detail("brokerUser") String brokerUser) {
        // in its normal form: two sources holding one would each speak for the other and add up their grants
        String key = UriNormalizer.normalize(uri);
        if (byUri(uri).isPresent()
                || everything().stream().anyMatch(s -> key.equals(UriNormalizer.normalize(s.uri())))) {
            throw new TidingsException(ErrorCode.CONFLICT, "a source with URI " + uri + " (or one equivalent to it) "
                    + "exists already");
        }
        var source = new Source(name, uri, description, brokerUser, clock.instant());
        em.persist(source);
        // The change log's lock, held from here to the commit, puts this create after any other that got there
        // first; checked again under it, a create of an equivalent URI that committed meanwhile is seen (each
        // statement reads what is committed when it starts, on H2 and PostgreSQL alike), and this one is refused.
        announce(source.id());
        if (everything().stream()
                .anyMatch(s -> !s.id().equals(source.id()) && key.equals(UriNormalizer.normalize(s.uri())))) {
            throw new TidingsException(ErrorCode.CONFLICT, "a source with URI " + uri + " (or one equivalent to it) "
                    + "was created at the same time");
        }
        return source;
    }

    /** A page of all sources. */
    public Listing<Source> page(Listing.Position after, int limit) {
        return Listing.read(em, Source.class, null, Map.of(), after, limit,
                r -> new Listing.Position(r.createdAt(), r.id()));
    }

    public Source find(UUID id) {
        return Optional.ofNullable(em.find(Source.class, id))
                .orElseThrow(() -> TidingsException.notFound("source", id));
    }

    public Optional<Source> byUri(String uri) {
        return em.createNamedQuery(Source.BY_URI, Source.class).setParameter("uri", uri)
                .getResultStream().findFirst();
    }

    /** Names the broker user that may send the source's events from now on (null: none may). */
    @Audited("source.set-broker-user")
    public Source spokenForBy(UUID id, @Audited.Detail("brokerUser") String brokerUser) {
        Source source = find(id);
        source.spokenForBy(brokerUser);
        announce(id);
        return source;
    }

    /**
     * Gives the source its own quota (docs/adr/0017); a null part takes the configured default again. Every
     * instance applies it with the change notice, to the source's next event.
     */
    @Audited("source.set-quota")
    public Source limitedTo(UUID id, @Audited.Detail("eventsPerSecond") Double eventsPerSecond,
            @Audited.Detail("burst") Long burst, @Audited.Detail("maxQueued") Long maxQueued) {
        Source source = find(id);
        source.limitedTo(new SourceQuota(eventsPerSecond, burst, maxQueued));
        announce(id);
        return source;
    }

    /** A broker user just provisioned for a source, or its password just reset: the only moment it is shown. */
    public record BrokerCredentials(Source source, String user, String password) implements AuditTarget {
        @Override
        public UUID id() {
            return source.id();
        }

        /** The source and its broker user: never the password. */
        @Override
        public String auditSummary() {
            return source.auditSummary() + ", brokerUser=" + user;
        }

        @Override
        public String toString() {
            return "BrokerCredentials[source=" + source.id() + ", user=" + user + ", password=(not shown)]";
        }
    }

    /**
     * Makes Tidings' broker user for the source (docs/adr/0021), or gives it a new password if it exists, and names it
     * as the one that speaks for the source. The broker is changed first: if it cannot be, nothing is. If the broker
     * was changed and this transaction then fails, the broker holds a user that no source names (it cannot speak for
     * any); the next call resets it.
     */
    @Audited("source.provision-broker-user")
    public BrokerCredentials provisionBrokerUser(UUID id) {
        // locked as the source's deletion locks it: never a user made for a source deleted meanwhile
        Source source = locked(id);
        String user = BrokerAccounts.sourceUser(id);
        String password;
        try {
            password = brokerAccounts.provision(user, BrokerAccounts.SOURCE_ROLE);
        } catch (JMSException | JMSRuntimeException e) {
            throw brokerFailure("provisioned", e);
        }
        if (!user.equals(source.brokerUser())) {
            source.spokenForBy(user);
            announce(id);
        }
        return new BrokerCredentials(source, user, password);
    }

    /**
     * Removes Tidings' broker user for the source from the broker (if it is there) and, if the source names it, names
     * no broker user instead. The broker is changed first: if it cannot be, nothing is.
     */
    @Audited("source.remove-broker-user")
    public Source removeBrokerUser(UUID id) {
        Source source = locked(id);
        String user = BrokerAccounts.sourceUser(id);
        removeFromBroker(user);
        if (user.equals(source.brokerUser())) {
            source.spokenForBy(null);
            announce(id);
        }
        return source;
    }

    private void removeFromBroker(String user) {
        try {
            brokerAccounts.remove(user);
        } catch (JMSException | JMSRuntimeException e) {
            throw brokerFailure("removed", e);
        }
    }

    /**
     * Tidings' broker user for the source goes with it, whether or not the source still names it (after
     * {@code PUT .../broker-user} it may not): once the source is gone nothing in Tidings could remove it, and it could
     * still log in and send. Whether there is one is known only to the broker, which is asked to remove it. If it
     * cannot be reached, nothing is deleted (503); if it refuses, nothing is deleted (502), unless the refusal says
     * Tidings may change no users there at all and the source does not name the user.
     */
    private void removeProvisionedUser(Source source) {
        String user = BrokerAccounts.sourceUser(source.id());
        try {
            brokerAccounts.remove(user);
        } catch (BrokerManagement.Refused e) {
            if (user.equals(source.brokerUser()) || !e.noUsersToChange()) {
                throw brokerFailure("removed", e);
            }
        } catch (JMSException | JMSRuntimeException e) {
            throw brokerFailure("removed", e);
        }
    }

    private static TidingsException brokerFailure(String what, Exception e) {
        if (e instanceof BrokerManagement.Refused) {
            return new TidingsException(ErrorCode.BROKER_REFUSED, "the source's broker user cannot be " + what + ": "
                    + e.getMessage() + "; Tidings changed nothing (the broker may have done the steps before "
                    + "the refused one)", e);
        }
        return new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the source's broker user cannot be " + what
                + ": the message broker cannot be reached or did not answer (it may have acted on what it "
                + "received); Tidings changed nothing, retry", e);
    }

    /**
     * Deletes the source and revokes its tokens, after removing the broker user Tidings provisioned for it (see
     * {@link #removeProvisionedUser}); if that cannot be done, nothing is deleted. The broker comes first, so that no
     * lock is held while it answers (up to 10 s per request): a deletion whose wait for the change log then runs out
     * (409) leaves the source without its broker user, and deleting it again completes it (docs/adr/0021).
     */
    @Audited("source.delete")
    public void delete(UUID id) {
        // its row locked, as a token's issue locks it (Tokens.issue): the later of the two sees the earlier
        Source source = locked(id);
        removeProvisionedUser(source);
        em.remove(source);
        tokens.revokeAll(PrincipalKind.SOURCE, id);
        grants.deleteAll(PrincipalKind.SOURCE, id);
        announce(id);
    }

    private void announce(UUID id) {
        changes.recorded(ChangeKind.SOURCE, id);
    }

    private List<Source> everything() {
        return em.createNamedQuery(Source.ALL, Source.class).getResultList();
    }

    /**
     * The source, its row locked (404 if there is none): its deletion, a token's issue (Tokens.issue) and its broker
     * user's provisioning and removal take turns, so the later sees the earlier. Only this source's row: the broker is
     * asked under it, never under the change log's lock.
     */
    private Source locked(UUID id) {
        return Optional.ofNullable(em.find(Source.class, id, LockModeType.PESSIMISTIC_WRITE))
                .orElseThrow(() -> TidingsException.notFound("source", id));
    }
}
