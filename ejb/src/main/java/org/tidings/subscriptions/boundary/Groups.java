package org.tidings.subscriptions.boundary;

import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityNotFoundException;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.tidings.audit.boundary.Audited;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.Listing;
import org.tidings.platform.TidingsException;
import org.tidings.provisioning.control.ChangeStore;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.trust.control.OwnerLimits;
import org.tidings.trust.entity.SeeRevoked;

/** Provisioning of resource groups (synchronization groups, RUP-6), defined out of band through the API. */
@Stateless
public class Groups {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    ChangeStore changes;

    @Inject
    OwnerLimits limits;

    @Inject
    Event<SeeRevoked> seeRevoked;

    private final Clock clock = Clock.systemUTC();

    /** A new group, owned by {@code owner} (a subscriber's id, or null for the administrators'). */
    @Audited("group.create")
    public ResourceGroup create(UUID owner, String name, Set<String> prefixes, Set<String> members) {
        limits.lock(owner); // the owner's creations take turns, each counting what the other committed
        var group = new ResourceGroup(name, prefixes, members, clock.instant());
        group.ownedBy(owner);
        em.persist(group);
        limits.checkGroups(owner);
        announce(group.id());
        return group;
    }

    /**
     * Redefines the group, under its row lock (taken after its owner's, as a grant naming it takes it after its
     * principal's, Grants.create). If see grants name it (docs/adr/0022) and it no longer holds a member or a prefix
     * it held, what it no longer covers is no longer seen: once the change commits, their subscribers' JMS sink queues
     * are swept as after a revocation ({@link SeeRevoked}).
     */
    @Audited("group.update")
    public ResourceGroup update(UUID id, String name, Set<String> prefixes, Set<String> members) {
        var group = find(id);
        limits.lockIfThere(group.ownerId());
        try {
            em.refresh(group, LockModeType.PESSIMISTIC_WRITE);
        } catch (EntityNotFoundException gone) { // deleted while this waited for its lock
            throw TidingsException.notFound("resource group", id);
        }
        long before = limits.storedChars(group.ownerId());
        boolean narrowed = !prefixes.containsAll(group.prefixes()) || !members.containsAll(group.members());
        group.redefined(name, prefixes, members);
        limits.checkGrowth(group.ownerId(), before); // larger sets count against the owner's characters
        announce(id);
        if (narrowed) {
            seersThrough(id).forEach(subscriber -> seeRevoked.fire(new SeeRevoked(subscriber)));
        }
        return group;
    }

    /** A page of the groups of one subscriber (null: everybody's). */
    public Listing<ResourceGroup> page(UUID owner, Listing.Position after, int limit) {
        return Listing.read(em, ResourceGroup.class, owner == null ? null : "e.ownerId = :ownerId",
                owner == null ? Map.of() : Map.of("ownerId", owner), after, limit,
                r -> new Listing.Position(r.createdAt(), r.id()));
    }

    /** The group, or null if there is none. */
    public ResourceGroup byId(UUID id) {
        return em.find(ResourceGroup.class, id);
    }

    public ResourceGroup find(UUID id) {
        return Optional.ofNullable(em.find(ResourceGroup.class, id))
                .orElseThrow(() -> TidingsException.notFound("resource group", id));
    }

    /** A group that subscriptions name cannot go: they would silently stop matching. */
    @Audited("group.delete")
    public void delete(UUID id) {
        // the group's lock first: a subscription naming it that is being created (Subscriptions.validate takes the
        // same lock) commits before this counts, or sees the group gone; a review found both could commit
        var group = Optional.ofNullable(em.find(ResourceGroup.class, id, LockModeType.PESSIMISTIC_WRITE))
                .orElseThrow(() -> TidingsException.notFound("resource group", id));
        Number users = (Number) em.createNativeQuery("SELECT COUNT(*) FROM subscription WHERE filter LIKE ?1")
                .setParameter(1, "%" + id + "%").getSingleResult();
        if (users.longValue() > 0) {
            throw new TidingsException(ErrorCode.CONFLICT, "resource group " + id + " is used by " + users
                    + " subscription(s)");
        }
        // a grant naming it locks it too (Grants.create): it commits before this counts, or sees the group gone
        Number grants = (Number) em.createNativeQuery("SELECT COUNT(*) FROM trust_grant WHERE group_ids LIKE ?1")
                .setParameter(1, "%" + id + "%").getSingleResult();
        if (grants.longValue() > 0) {
            throw new TidingsException(ErrorCode.CONFLICT, "resource group " + id + " is named by " + grants
                    + " grant(s); revoke them first");
        }
        em.remove(group);
        announce(id);
    }

    /** The subscribers whose see grants name the group. */
    private List<UUID> seersThrough(UUID group) {
        // as text: through a native query H2's UUID column comes back as bytes
        List<?> ids = em.createNativeQuery("SELECT DISTINCT CAST(principal_id AS VARCHAR(36)) FROM trust_grant "
                + "WHERE kind = 'SEE' AND group_ids LIKE ?1").setParameter(1, "%" + group + "%").getResultList();
        return ids.stream().map(id -> UUID.fromString(id.toString())).toList();
    }

    private void announce(UUID id) {
        changes.recorded(ChangeKind.GROUP, id);
    }
}
