package org.tidings.trust.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.util.Collection;
import java.util.Objects;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.trust.entity.Subscriber;

/**
 * What one subscriber may keep (docs/adr/0024): every subscription and group is held in memory by every instance's
 * matching index, and every JMS sink has a broker queue, so a subscriber that created them without end could take
 * every instance's heap, again at each start (a hostile review, 2026-12-05). Limits per subscriber, within the
 * caller's transaction: {@link #lock} first (the subscriber's row, so that two creations of one subscriber take turns
 * and the second counts what the first committed), then the change, then the check, which counts with the change
 * flushed and refuses with 409 {@code quota-exceeded}, rolling the change back. What administrators own (no owner) is
 * not limited.
 */
@ApplicationScoped
public class OwnerLimits {

    /** Characters of subscription filters and of groups' prefixes and members (H2's and PostgreSQL's CHAR_LENGTH). */
    private static final String STORED_CHARS = "SELECT (SELECT COALESCE(SUM(CHAR_LENGTH(filter)), 0) FROM subscription "
            + "WHERE owner_id = ?1) + (SELECT COALESCE(SUM(CHAR_LENGTH(prefixes) + CHAR_LENGTH(members)), 0) "
            + "FROM resource_group WHERE owner_id = ?1)";

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    @ConfigProperty(name = "tidings.limits.sinks-per-subscriber", defaultValue = "100")
    long sinks;

    @Inject
    @ConfigProperty(name = "tidings.limits.subscriptions-per-subscriber", defaultValue = "10000")
    long subscriptions;

    @Inject
    @ConfigProperty(name = "tidings.limits.groups-per-subscriber", defaultValue = "100")
    long groups;

    @Inject
    @ConfigProperty(name = "tidings.limits.stored-chars-per-subscriber", defaultValue = "16777216")
    long storedChars;

    /**
     * For a creation: takes the owner's row lock until the transaction ends; nothing for an administrators' resource.
     *
     * @throws TidingsException conflict if the subscriber no longer exists (deleted while its call was under way):
     *         nothing new is owned by a subscriber that is gone
     */
    public void lock(UUID owner) {
        if (!lockIfThere(owner)) {
            throw new TidingsException(ErrorCode.CONFLICT, "subscriber " + owner + " no longer exists");
        }
    }

    /**
     * For a change of what exists: takes the owner's row lock if it is there. Rows whose owner was deleted before
     * deletions were refused (2026-12-05) can still be changed by an administrator.
     *
     * @return false if the owner is a subscriber that no longer exists
     */
    public boolean lockIfThere(UUID owner) {
        return owner == null || em.find(Subscriber.class, owner, LockModeType.PESSIMISTIC_WRITE) != null;
    }

    /**
     * For a subscriber's deletion, under its row lock ({@link #lock} takes the same, so no creation of its can commit
     * in between): it may own no sink (a sink's subscriptions are its owner's) and no group. A review found a deleted
     * subscriber's sinks, subscriptions, groups and queues left behind, matched and delivered to, with nothing to
     * tell an administrator whose they were.
     *
     * @throws TidingsException conflict if it still owns any
     */
    public void requireNothingOwned(UUID owner) {
        long ownedSinks = count("SELECT COUNT(s) FROM Sink s WHERE s.ownerId = :owner", owner);
        long ownedGroups = count("SELECT COUNT(g) FROM ResourceGroup g WHERE g.ownerId = :owner", owner);
        if (ownedSinks + ownedGroups > 0) {
            throw new TidingsException(ErrorCode.CONFLICT, "subscriber " + owner + " still owns " + ownedSinks
                    + " sink(s) and " + ownedGroups + " resource group(s); delete them first (a sink after its "
                    + "subscriptions)");
        }
    }

    /** @throws TidingsException quota-exceeded if the owner now has more sinks than its limit */
    public void checkSinks(UUID owner) {
        if (owner != null) {
            within("sinks", count("SELECT COUNT(s) FROM Sink s WHERE s.ownerId = :owner", owner), sinks);
        }
    }

    /** @throws TidingsException quota-exceeded if the owner now has more subscriptions, or characters, than allowed */
    public void checkSubscriptions(UUID owner) {
        if (owner != null) {
            within("subscriptions", count("SELECT COUNT(s) FROM Subscription s WHERE s.ownerId = :owner", owner),
                    subscriptions);
            checkStoredChars(owner);
        }
    }

    /** @throws TidingsException quota-exceeded if the owner now has more groups, or characters, than allowed */
    public void checkGroups(UUID owner) {
        if (owner != null) {
            within("resource groups", count("SELECT COUNT(g) FROM ResourceGroup g WHERE g.ownerId = :owner", owner),
                    groups);
            checkStoredChars(owner);
        }
    }

    /** The characters the owner stores now (0 for the administrators'), with this transaction's changes flushed. */
    public long storedChars(UUID owner) {
        if (owner == null) {
            return 0;
        }
        em.flush();
        return ((Number) em.createNativeQuery(STORED_CHARS).setParameter(1, owner).getSingleResult()).longValue();
    }

    /**
     * For a change of a subscription or group: refused only if it made the owner's characters grow past the limit.
     * Counts are not checked, and a change that shrinks is never refused, so a subscriber over a limit (one lowered
     * since, or rows from before the limits) can still make its things smaller.
     *
     * @throws TidingsException quota-exceeded if the change grew the characters past the limit
     */
    public void checkGrowth(UUID owner, long before) {
        long after = storedChars(owner);
        if (after > before) {
            within("characters of subscription filters and resource groups", after, storedChars);
        }
    }

    /**
     * Takes the row locks a creation of subscriptions needs, before it writes anything, in one order for all callers:
     * the owners by id, then the groups the filters name by id (a batch took them item by item, and two batches naming
     * the same owners or groups in other orders could deadlock, a review). Missing groups are left to the validation.
     */
    public void lockAll(Collection<UUID> owners, Collection<UUID> groups, boolean creating) {
        owners.stream().filter(Objects::nonNull).distinct().sorted()
                .forEach(owner -> {
                    if (creating) {
                        lock(owner);
                    } else {
                        lockIfThere(owner);
                    }
                });
        groups.stream().distinct().sorted()
                .forEach(group -> em.find(ResourceGroup.class, group, LockModeType.PESSIMISTIC_WRITE));
    }

    private void checkStoredChars(UUID owner) {
        within("characters of subscription filters and resource groups", storedChars(owner), storedChars);
    }

    private long count(String query, UUID owner) {
        em.flush();
        return em.createQuery(query, Long.class).setParameter("owner", owner).getSingleResult();
    }

    private static void within(String what, long now, long limit) {
        if (now > limit) {
            throw new TidingsException(ErrorCode.QUOTA_EXCEEDED, "this subscriber would have " + now + " " + what
                    + ", over its limit of " + limit + "; delete some first, or ask an administrator to raise "
                    + "the limit");
        }
    }
}
