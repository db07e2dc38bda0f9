package org.tidings.pull.boundary;

import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import org.tidings.delivery.control.SeenNow;
import org.tidings.delivery.entity.Notification;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.pull.control.AckRequests;
import org.tidings.pull.control.CounterMissing;
import org.tidings.pull.control.FeedStore;
import org.tidings.pull.entity.FeedAppended;
import org.tidings.pull.entity.FeedEntry;
import org.tidings.pull.entity.FeedPositions;
import org.tidings.pull.entity.ResyncRequired;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;
import org.tidings.subscriptions.entity.Subscription;

/**
 * The feeds of pull subscriptions (docs/adr/0015): the dispatcher appends, HTTP clients read and acknowledge. Each
 * call is one transaction.
 */
@Stateless
public class Feeds {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    FeedStore store;

    @Inject
    Event<FeedAppended> appended;

    @Inject
    SeenNow seen;

    @Resource
    SessionContext context;

    private static final Logger LOG = Logger.getLogger(Feeds.class.getName());

    private final Clock clock = Clock.systemUTC();

    /**
     * A page of a feed: its entries after the position asked for, the feed's positions when it was read, and the
     * sequence numbers of the entries withheld from the reader: its subscriber's see grants no longer cover them.
     */
    public record Page(List<FeedEntry> entries, FeedPositions positions, Set<Long> withheld, boolean cut) {

        public Page(List<FeedEntry> entries, FeedPositions positions) {
            this(entries, positions, Set.of(), false);
        }

        /**
         * Whether more entries may follow at once: the page has as many as were asked for, or fewer because their
         * bodies reached {@code tidings.pull.max-page-bytes}.
         */
        public boolean full(int limit) {
            return cut || entries.size() >= limit;
        }

        /** Whether the entry is withheld: only its place in the feed may be shown, not the event. */
        public boolean isWithheld(FeedEntry entry) {
            return withheld.contains(entry.seq());
        }
    }

    /**
     * Appends the notification to its subscription's feed with the next sequence number, together with its delivery
     * record, in one transaction; listeners hear of it once it has committed. The subscription's first notification
     * creates its counter first, in a transaction of its own.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public long append(Notification notification) {
        var self = context.getBusinessObject(Feeds.class);
        try {
            return self.appended(notification);
        } catch (CounterMissing first) {
            try {
                self.counterCreated(notification.subscriptionId());
            } catch (EJBException raced) {
                LOG.fine(() -> "the counter of " + notification.subscriptionId() + " was created concurrently");
            }
            return self.appended(notification);
        }
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public long appended(Notification notification) {
        long seq = store.append(notification, AckRequests.required(notification.body()), clock.instant());
        appended.fire(new FeedAppended(notification.subscriptionId(), seq));
        return seq;
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void counterCreated(UUID subscriptionId) {
        store.counterCreated(subscriptionId);
    }

    /**
     * Up to {@code limit} entries after {@code after}, cut short where their bodies reach
     * {@code tidings.pull.max-page-bytes} (at least one). An entry whose event its subscriber may no longer see (a see
     * grant revoked after it was appended, docs/adr/0022) keeps its place, so the sequence stays gap-free, and is
     * marked withheld.
     *
     * @throws ResyncRequired if the feed cannot continue from {@code after}
     * @throws TidingsException not-found if there is no such subscription, conflict if its sink is not a pull sink
     */
    public Page read(UUID subscriptionId, long after, int limit) {
        Sink sink = pullSinkOf(subscriptionId);
        FeedPositions positions = store.positions(subscriptionId);
        if (!positions.continuableFrom(after)) {
            throw new ResyncRequired(after, positions);
        }
        FeedStore.Slice slice = store.after(subscriptionId, after, limit);
        Set<Long> withheld = new HashSet<>();
        for (FeedEntry entry : slice.entries()) {
            if (seen.withheld(sink, entry.body()) != null) {
                withheld.add(entry.seq());
            }
        }
        return new Page(slice.entries(), positions, withheld, slice.cut());
    }

    /** The feed's positions, after checking that the subscription exists and belongs to a pull sink. */
    public FeedPositions positions(UUID subscriptionId) {
        pullSinkOf(subscriptionId);
        return store.positions(subscriptionId);
    }

    private Sink pullSinkOf(UUID subscriptionId) {
        Subscription subscription = em.find(Subscription.class, subscriptionId);
        if (subscription == null) {
            throw TidingsException.notFound("subscription", subscriptionId);
        }
        Sink sink = em.find(Sink.class, subscription.sinkId());
        if (sink == null || sink.channel() != Channel.PULL) {
            throw new TidingsException(ErrorCode.CONFLICT, "subscription " + subscriptionId + " is not of a pull "
                    + "sink: its notifications are not kept in a feed");
        }
        return sink;
    }

    /** Records the receiver's ack of everything up to {@code upTo} (RUP-3); pending deliveries up to it are done. */
    public FeedPositions ack(UUID subscriptionId, long upTo) {
        pullSinkOf(subscriptionId);
        try {
            return store.acked(subscriptionId, upTo, clock.instant());
        } catch (IllegalArgumentException e) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, e.getMessage());
        }
    }

    /** The last sequence number of each of these subscriptions that has a feed (for waiting clients). */
    public Map<UUID, Long> lastOf(Collection<UUID> subscriptionIds) {
        return store.lastOf(subscriptionIds);
    }

    /** Which of these subscriptions still exist (a waiting client of one deleted or expired is told, not kept). */
    public Set<UUID> existing(Collection<UUID> subscriptionIds) {
        if (subscriptionIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(em.createQuery("SELECT s.id FROM Subscription s WHERE s.id IN :ids", UUID.class)
                .setParameter("ids", subscriptionIds).getResultList());
    }
}
