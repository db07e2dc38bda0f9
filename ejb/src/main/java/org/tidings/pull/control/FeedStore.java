package org.tidings.pull.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.delivery.entity.Delivery;
import org.tidings.delivery.entity.Notification;
import org.tidings.pull.entity.FeedEntry;
import org.tidings.pull.entity.FeedPositions;
import org.tidings.pull.entity.ResyncRequired;
import org.tidings.pull.entity.SubscriptionSequence;

/**
 * The feeds of pull subscriptions in the database, within the caller's transaction (docs/adr/0015). An append takes
 * the subscription's counter row with its lock, so its number, its feed entry and its delivery record commit
 * together or not at all: a rolled-back append leaves no gap, and a notification that already has a delivery record
 * (a redelivered message) cannot commit a second number, because the record's notification id is unique.
 */
@ApplicationScoped
public class FeedStore {

    /** Each body's size in bytes, without the body, in feed order: OCTET_LENGTH is H2's and PostgreSQL's alike. */
    private static final String SIZES_AFTER = "SELECT seq, OCTET_LENGTH(body) FROM pull_notification "
            + "WHERE subscription_id = ?1 AND seq > ?2 ORDER BY seq";

    /** The default of {@code tidings.pull.max-page-bytes}: 4 MiB of event bodies in one page. */
    public static final long DEFAULT_MAX_PAGE_BYTES = 4L * 1024 * 1024;

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    /** At most this many bytes of event bodies are read for one page (however many entries were asked for). */
    @Inject
    @ConfigProperty(name = "tidings.pull.max-page-bytes", defaultValue = "4194304")
    long maxPageBytes = DEFAULT_MAX_PAGE_BYTES;

    /**
     * Appends the notification to its subscription's feed with the next number, and records it in the delivery
     * ledger: delivered, or pending until acknowledged if {@code ackRequired}.
     *
     * @throws CounterMissing if the subscription has no counter yet (see {@link #counterCreated})
     */
    public long append(Notification notification, boolean ackRequired, Instant now) {
        long seq = nextSeq(notification.subscriptionId());
        var delivery = new Delivery(notification, now);
        delivery.stored(seq, ackRequired, now);
        em.persist(delivery); // first: a second record of the notification fails here, before anything else is written
        em.persist(new FeedEntry(notification.subscriptionId(), seq, notification.id(), now, notification.body()));
        em.flush();
        return seq;
    }

    /**
     * Takes the subscription's next sequence number, holding its counter's row lock until the caller's transaction
     * ends: the number is used if and only if that transaction commits, so numbers have no gaps.
     *
     * @throws CounterMissing if the subscription has no counter yet (see {@link #counterCreated})
     */
    public long nextSeq(UUID subscriptionId) {
        SubscriptionSequence counter = locked(subscriptionId);
        if (counter == null) {
            throw new CounterMissing(subscriptionId);
        }
        return counter.next();
    }

    /**
     * Creates the subscription's counter, in a transaction of its own: if another transaction creates it at the same
     * time, one of them fails on the primary key, and the counter exists either way.
     */
    public void counterCreated(UUID subscriptionId) {
        if (em.find(SubscriptionSequence.class, subscriptionId) == null) {
            em.persist(new SubscriptionSequence(subscriptionId));
            em.flush();
        }
    }

    /**
     * The subscription's counter with its row locked until the transaction ends, as committed when the lock was
     * taken; null if it has none. Read again after the lock: if this transaction had read the counter before,
     * Hibernate only takes the lock on the instance it holds and keeps that instance's state, which a transaction
     * that held the lock meanwhile may have changed; written back, the old numbers would wind the counter back (a
     * hostile review found an ack doing so to an append that committed while it waited, and the next append then
     * failing on the number for ever).
     */
    private SubscriptionSequence locked(UUID subscriptionId) {
        SubscriptionSequence counter = em.find(SubscriptionSequence.class, subscriptionId,
                LockModeType.PESSIMISTIC_WRITE);
        if (counter != null) {
            em.refresh(counter);
        }
        return counter;
    }

    /** The feed's positions; {@link FeedPositions#EMPTY} if the subscription never had a notification. */
    public FeedPositions positions(UUID subscriptionId) {
        SubscriptionSequence counter = em.find(SubscriptionSequence.class, subscriptionId);
        return counter == null ? FeedPositions.EMPTY : counter.positions();
    }

    /**
     * Up to {@code limit} entries after {@code after}, in order, the first of them {@code after + 1}, and no more than
     * fit in {@link #maxPageBytes} of event bodies (at least one, however large). The sizes are read first, without
     * the bodies, so a page of a thousand large events is never loaded whole to be cut. The caller checked the
     * position against the feed's positions, but retention may have committed since: if the entries do not continue
     * from {@code after}, the feed is read again, and a position it can no longer continue from is refused rather than
     * answered with the entries after the gap.
     *
     * @throws ResyncRequired if entries after {@code after} were deleted since the caller checked
     */
    public Slice after(UUID subscriptionId, long after, int limit) {
        List<?> sizes = em.createNativeQuery(SIZES_AFTER).setParameter(1, subscriptionId).setParameter(2, after)
                .setMaxResults(limit).getResultList();
        int fitting = fitting(sizes.stream().mapToLong(row -> ((Number) ((Object[]) row)[1]).longValue()).toArray(),
                maxPageBytes);
        List<FeedEntry> entries = fitting == 0 ? List.of()
                : em.createNamedQuery(FeedEntry.AFTER, FeedEntry.class).setParameter("subscription", subscriptionId)
                        .setParameter("after", after).setMaxResults(fitting).getResultList();
        if (entries.isEmpty() || entries.get(0).seq() != after + 1) {
            FeedPositions now = committedPositions(subscriptionId);
            if (!now.continuableFrom(after)) {
                throw new ResyncRequired(after, now);
            }
        }
        return new Slice(entries, fitting < sizes.size());
    }

    /**
     * How many of the bodies, in order, fit in {@code budget} bytes together: at least one if there is any, so that a
     * body larger than the budget is still read, alone.
     */
    static int fitting(long[] sizes, long budget) {
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            total += sizes[i];
            if (total > budget && i > 0) {
                return i;
            }
        }
        return sizes.length;
    }

    /** Entries of a feed in order; {@code cut} if more were there within the count asked for but not the bytes. */
    public record Slice(List<FeedEntry> entries, boolean cut) {
    }

    /** The positions as last committed, not as this transaction first read them. */
    private FeedPositions committedPositions(UUID subscriptionId) {
        SubscriptionSequence counter = em.find(SubscriptionSequence.class, subscriptionId);
        if (counter == null) {
            return FeedPositions.EMPTY;
        }
        em.refresh(counter);
        return counter.positions();
    }

    /** The last number handed out, per subscription of {@code ids} that has a feed. */
    public Map<UUID, Long> lastOf(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return em.createNamedQuery(SubscriptionSequence.OF, SubscriptionSequence.class).setParameter("ids", ids)
                .getResultStream().collect(Collectors.toMap(SubscriptionSequence::subscriptionId,
                        s -> s.positions().last()));
    }

    /**
     * Records the receiver's ack of everything up to {@code upTo}, and marks the pending deliveries up to it
     * delivered.
     *
     * @throws IllegalArgumentException if {@code upTo} is not a position of the feed
     */
    public FeedPositions acked(UUID subscriptionId, long upTo, Instant now) {
        SubscriptionSequence counter = locked(subscriptionId);
        if (counter == null) {
            counter = new SubscriptionSequence(subscriptionId);
            counter.ackedUpTo(upTo);
            return counter.positions(); // nothing was ever handed out: only 0 is a valid ack, and nothing changes
        }
        counter.ackedUpTo(upTo);
        em.createNamedQuery(Delivery.ACKED).setParameter("subscription", subscriptionId).setParameter("upTo", upTo)
                .setParameter("now", now).executeUpdate();
        return counter.positions();
    }

    /**
     * Deletes the entries created before {@code before} of up to {@code subscriptions} subscriptions, and moves their
     * floors; how many entries it deleted. Each subscription's oldest entries go first and together, so what is
     * kept is always one unbroken run of numbers; and only up to its first entry that is not older than
     * {@code before}, because numbers follow commit order, not creation time (an append that waited for the
     * counter's lock has an older time than the number before it), so no entry newer than retention is deleted.
     *
     * <p>The pending deliveries of the deleted entries are settled in the same transaction, as never acknowledged
     * ({@link Delivery#NEVER_ACKNOWLEDGED}): no receiver can read them any more. That happens under the counter's
     * lock, which an ack holds too, so an ack either settled them first (they stay delivered) or finds them settled
     * (they stay discarded).
     */
    public int pruned(Instant before, int subscriptions, Instant now) {
        List<Object[]> old = em.createNamedQuery(FeedEntry.OLD, Object[].class).setParameter("before", before)
                .setMaxResults(subscriptions).getResultList();
        int deleted = 0;
        for (Object[] row : old) {
            UUID subscriptionId = (UUID) row[0];
            Long firstKept = em.createNamedQuery(FeedEntry.FIRST_KEPT, Long.class)
                    .setParameter("subscription", subscriptionId).setParameter("before", before).getSingleResult();
            long through = firstKept == null ? (Long) row[1] : Math.min((Long) row[1], firstKept - 1);
            SubscriptionSequence counter = locked(subscriptionId);
            deleted += em.createNamedQuery(FeedEntry.DELETE_THROUGH).setParameter("subscription", subscriptionId)
                    .setParameter("through", through).executeUpdate();
            if (counter != null) {
                counter.prunedThrough(through);
            }
            em.createNamedQuery(Delivery.NEVER_ACKNOWLEDGED).setParameter("subscription", subscriptionId)
                    .setParameter("through", through).setParameter("reason", Delivery.UNACKNOWLEDGED_ANSWER)
                    .setParameter("now", now).executeUpdate();
        }
        return deleted;
    }
}
