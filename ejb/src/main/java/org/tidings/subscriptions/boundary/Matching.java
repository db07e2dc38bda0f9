package org.tidings.subscriptions.boundary;

import io.cloudevents.CloudEvent;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.tidings.subscriptions.control.SubscriptionIndex;
import org.tidings.subscriptions.entity.ChangeNotice;
import org.tidings.subscriptions.entity.Match;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.subscriptions.entity.Subscription;

/**
 * Which subscriptions want an event, answered from an in-memory index (no database access per event). Loaded
 * from the database at start, then kept current one row at a time by {@link ChangeNotice}s. Changes are applied
 * one at a time, each by re-reading the row, so the index always converges on the committed state whatever order
 * notices arrive in.
 */
@Startup
@Singleton
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class Matching {

    private static final Logger LOG = Logger.getLogger(Matching.class.getName());

    private record Target(UUID sinkId, Instant expiresAt) {
    }

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @EJB
    Subscriptions subscriptions;

    private final Clock clock = Clock.systemUTC();
    private final SubscriptionIndex index = new SubscriptionIndex();
    private final Map<UUID, Target> targets = new ConcurrentHashMap<>();

    @PostConstruct
    void load() {
        for (var group : em.createNamedQuery(ResourceGroup.ALL, ResourceGroup.class).getResultList()) {
            index.putGroup(group.id(), group.prefixes(), group.members());
        }
        Instant now = clock.instant();
        for (var subscription : em.createNamedQuery(Subscription.ALL, Subscription.class).getResultList()) {
            if (!subscription.expiredAt(now)) {
                put(subscription);
            }
        }
        LOG.info(() -> "Matching index loaded: " + index.size() + " subscriptions");
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<Match> matches(CloudEvent event) {
        Instant now = clock.instant();
        List<Match> matches = new ArrayList<>();
        for (UUID id : index.match(event)) {
            Target target = targets.get(id);
            if (target != null && (target.expiresAt() == null || target.expiresAt().isAfter(now))) {
                matches.add(new Match(id, target.sinkId()));
            }
        }
        return matches;
    }

    /**
     * Re-reads the changed row and applies it: present means put, gone means remove. A transaction of its own:
     * it is also called right after the changing transaction committed, still on that transaction's thread.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public synchronized void refresh(ChangeNotice notice) {
        em.clear();
        switch (notice.kind()) {
            case SUBSCRIPTION -> {
                Subscription subscription = em.find(Subscription.class, notice.id());
                if (subscription == null || subscription.expiredAt(clock.instant())) {
                    index.remove(notice.id());
                    targets.remove(notice.id());
                } else {
                    put(subscription);
                }
            }
            case SOURCE -> {
                // sources are the SourceDirectory's
            }
            case GROUP -> {
                ResourceGroup group = em.find(ResourceGroup.class, notice.id());
                if (group == null) {
                    index.removeGroup(notice.id());
                } else {
                    index.putGroup(group.id(), group.prefixes(), group.members());
                }
            }
        }
    }

    public int size() {
        return index.size();
    }

    /** Expired subscriptions stop matching at once (see {@link #matches}); this removes them for good. */
    @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
    void expire() {
        List<UUID> expired = em.createNamedQuery(Subscription.EXPIRED, UUID.class)
                .setParameter("now", clock.instant()).getResultList();
        expired.forEach(subscriptions::expired);
    }

    private void put(Subscription subscription) {
        // the target first, the index second: a match can never name a subscription without its sink
        targets.put(subscription.id(), new Target(subscription.sinkId(), subscription.expiresAt()));
        try {
            index.put(subscription.id(), subscription.filter());
        } catch (IllegalArgumentException unusable) {
            // validated on the way in; a row that still cannot be indexed must not stop the others
            LOG.severe(() -> "subscription " + subscription.id() + " cannot be indexed: " + unusable.getMessage());
        }
    }
}
