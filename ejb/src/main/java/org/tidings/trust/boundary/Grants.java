package org.tidings.trust.boundary;

import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.tidings.audit.boundary.Audited;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.Listing;
import org.tidings.platform.TidingsException;
import org.tidings.provisioning.control.ChangeStore;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.sources.entity.Source;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.trust.entity.Grant;
import org.tidings.trust.entity.GrantKind;
import org.tidings.trust.entity.PrincipalKind;
import org.tidings.trust.entity.SeeRevoked;
import org.tidings.trust.entity.Subscriber;

/**
 * Grants, the trust relationships (S2S-11, docs/adr/0022). Every change is recorded in the change log, which every
 * instance's grant directory follows: a revoked grant stops applying on this instance before the call returns, and
 * on the others with the change notice.
 */
@Stateless
public class Grants {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    ChangeStore changes;

    @Inject
    Event<SeeRevoked> seeRevoked;

    private final Clock clock = Clock.systemUTC();

    /**
     * A new grant; 404 if its principal does not exist. Sources send and route; subscribers see. The principal's row is
     * locked first, as its deletion locks it (Sources, Subscribers.delete) and a token's issue does (Tokens.issue): a
     * grant created while its principal was being deleted was missed by the deletion's revocation and stayed, the
     * grant of nobody (a review; AdminLimitsIT). A route or see grant may name resource groups of the administrators
     * ({@code groups}): it covers what they hold, as they change. Not a subscriber's group, which its subscriber may
     * change: that would let it widen its own grant. Each group's row is locked, as its deletion locks it
     * ({@code Groups.delete}, which refuses while a grant names it).
     */
    @Audited("grant.create")
    public Grant create(PrincipalKind principal, UUID principalId, GrantKind kind, boolean all, Set<String> types,
            Set<String> typePrefixes, Set<String> subjects, Set<String> subjectDomains, Set<String> subjectPrefixes,
            Set<UUID> groups) {
        boolean forSource = kind == GrantKind.SEND || kind == GrantKind.ROUTE;
        if (forSource != (principal == PrincipalKind.SOURCE) || principal == PrincipalKind.ADMINISTRATOR) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, "sources get send and route grants, subscribers "
                    + "see grants");
        }
        boolean typed = !types.isEmpty() || !typePrefixes.isEmpty();
        boolean subjected = !subjects.isEmpty() || !subjectDomains.isEmpty() || !subjectPrefixes.isEmpty()
                || !groups.isEmpty();
        if (kind == GrantKind.SEND ? subjected : typed) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, kind == GrantKind.SEND
                    ? "a send grant names types and typePrefixes only" : "a " + kind.label()
                    + " grant names subjects, subjectDomains, subjectPrefixes and groups only");
        }
        if (all == (typed || subjected)) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, all ? "a grant of all names nothing else"
                    : "a grant names what it allows, or all: true");
        }
        Class<?> row = principal == PrincipalKind.SOURCE ? Source.class : Subscriber.class;
        if (em.find(row, principalId, LockModeType.PESSIMISTIC_WRITE) == null) {
            throw TidingsException.notFound(principal.label(), principalId);
        }
        for (UUID id : new TreeSet<>(groups)) { // in one order: two creations lock them without a cycle
            ResourceGroup group = em.find(ResourceGroup.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (group == null) {
                throw TidingsException.notFound("resource group", id);
            }
            if (group.ownerId() != null) {
                throw new TidingsException(ErrorCode.INVALID_REQUEST, "resource group " + id + " is a subscriber's: "
                        + "a grant names groups of the administrators only (a subscriber could widen its own grant)");
            }
        }
        var grant = new Grant(principal, principalId, kind, all, types, typePrefixes, subjects, subjectDomains,
                subjectPrefixes, groups, clock.instant());
        em.persist(grant);
        changes.recorded(ChangeKind.GRANT, grant.id());
        return grant;
    }

    public List<Grant> of(PrincipalKind kind, UUID principalId) {
        return em.createNamedQuery(Grant.OF_PRINCIPAL, Grant.class).setParameter("kind", kind)
                .setParameter("id", principalId).getResultList();
    }

    /** A page of the grants of one principal (a null kind: of every principal). */
    public Listing<Grant> page(PrincipalKind kind, UUID principalId, Listing.Position after, int limit) {
        return Listing.read(em, Grant.class, kind == null ? null : "e.principalKind = :kind AND e.principalId = :id",
                kind == null ? Map.of() : Map.of("kind", kind, "id", principalId), after, limit,
                g -> new Listing.Position(g.createdAt(), g.id()));
    }

    public Grant find(UUID id) {
        return Optional.ofNullable(em.find(Grant.class, id)).orElseThrow(() -> TidingsException.notFound("grant", id));
    }

    /**
     * Revokes a grant: what it allowed stops at once on this instance, and with the notice on the others. A see grant's
     * revocation also takes back, once committed, what its subscriber's JMS sink queues hold that it may no longer see
     * ({@link SeeRevoked}).
     */
    @Audited("grant.delete")
    public void delete(UUID id) {
        Grant grant = find(id);
        em.remove(grant);
        changes.recorded(ChangeKind.GRANT, id);
        if (grant.kind() == GrantKind.SEE) {
            seeRevoked.fire(new SeeRevoked(grant.principalId()));
        }
    }

    /** Revokes every grant of a principal, in the caller's transaction: what deleting the principal does. */
    public void deleteAll(PrincipalKind kind, UUID principalId) {
        List<UUID> ids = of(kind, principalId).stream().peek(em::remove).map(Grant::id).toList();
        changes.recorded(ChangeKind.GRANT, ids);
    }
}
