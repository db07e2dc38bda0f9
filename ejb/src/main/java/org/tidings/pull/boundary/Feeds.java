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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;
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

    @Resource
    SessionContext context;

    private static final Logger LOG = Logger.getLogger(Feeds.class.getName());

    private final Clock clock = Clock.systemUTC();

    /** A page of a feed: its entries after the position asked for, and the feed's positions when it was read. */
    public record Page(List<FeedEntry> entries, FeedPositions positions) {
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
     * Up to {@code limit} entries after {@code after}.
     *
     * @throws ResyncRequired if the feed cannot continue from {@code after}
     * @throws TidingsException not-found if there is no such subscription, conflict if its sink is not a pull sink
     */
    public Page read(UUID subscriptionId, long after, int limit) {
        FeedPositions positions = positions(subscriptionId);
        if (!positions.continuableFrom(after)) {
            throw new ResyncRequired(after, positions);
        }
        return new Page(store.after(subscriptionId, after, limit), positions);
    }

    /** The feed's positions, after checking that the subscription exists and belongs to a pull sink. */
    public FeedPositions positions(UUID subscriptionId) {
        Subscription subscription = em.find(Subscription.class, subscriptionId);
        if (subscription == null) {
            throw TidingsException.notFound("subscription", subscriptionId);
        }
        Sink sink = em.find(Sink.class, subscription.sinkId());
        if (sink == null || sink.channel() != Channel.PULL) {
            throw new TidingsException(ErrorCode.CONFLICT, "subscription " + subscriptionId + " is not of a pull "
                    + "sink: its notifications are not kept in a feed");
        }
        return store.positions(subscriptionId);
    }

    /** Records the receiver's ack of everything up to {@code upTo} (RUP-3); pending deliveries up to it are done. */
    public FeedPositions ack(UUID subscriptionId, long upTo) {
        positions(subscriptionId);
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
}
