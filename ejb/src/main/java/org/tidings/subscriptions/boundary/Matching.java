package org.tidings.subscriptions.boundary;

import io.cloudevents.CloudEvent;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.tidings.provisioning.control.LoadGate;
import org.tidings.subscriptions.control.SubscriptionIndex;
import org.tidings.subscriptions.entity.Match;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.subscriptions.entity.Subscription;

/**
 * Which subscriptions want an event, answered from this instance's in-memory index with no database access. An
 * expired subscription stops matching at its expiry time, whether or not its row has been removed yet.
 * {@link SubscriptionView} fills and updates the index, one change at a time (the mutators are serialized) or by
 * replacing it whole; a match sees either the old or the new whole index.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class Matching {

    private static final Logger LOG = Logger.getLogger(Matching.class.getName());

    private final LoadGate gate;
    private volatile Table table = new Table();

    public Matching() {
        this(LoadGate.DEFAULT_WAIT);
    }

    Matching(Duration loadWait) {
        this.gate = new LoadGate("matching index", loadWait);
    }

    /**
     * The subscriptions that want the event. Before the index has been loaded once, waits for it, and throws
     * {@link LoadGate.NotLoaded} if that takes longer than {@link LoadGate#DEFAULT_WAIT}: an empty index would say "nobody".
     */
    public List<Match> matches(CloudEvent event) {
        gate.awaitOpen();
        Table current = table;
        Instant now = Instant.now();
        List<Match> matches = new ArrayList<>();
        for (UUID id : current.index.match(event)) {
            Target target = current.targets.get(id);
            if (target != null && !target.expiredAt(now)) {
                matches.add(new Match(id, target.sinkId(), target.ownerId()));
            }
        }
        return matches;
    }

    /** For a dry run: why the subscriptions not in {@code matched} do not want the event (at most {@code limit}). */
    public Map<UUID, String> unmatched(CloudEvent event, Set<UUID> matched, int limit) {
        gate.awaitOpen();
        return table.index.unmatched(event, matched, limit);
    }

    public int size() {
        return table.index.size();
    }

    /** Replaces the whole index with these rows, leaving out expired subscriptions. */
    public synchronized void reloaded(List<ResourceGroup> groups, List<Subscription> subscriptions, Instant now) {
        var fresh = new Table();
        groups.forEach(fresh::put);
        subscriptions.stream().filter(s -> !s.expiredAt(now)).forEach(fresh::put);
        table = fresh;
        gate.opened();
        LOG.info(() -> "Matching index loaded: " + fresh.index.size() + " subscriptions");
    }

    /** Applies a re-read subscription row: null (gone) or expired means remove. */
    public synchronized void subscriptionRead(UUID id, Subscription row, Instant now) {
        if (row == null || row.expiredAt(now)) {
            table.remove(id);
        } else {
            table.put(row);
        }
    }

    /** Applies a re-read group row: null means gone. */
    public synchronized void groupRead(UUID id, ResourceGroup row) {
        if (row == null) {
            table.index.removeGroup(id);
        } else {
            table.put(row);
        }
    }

    /** Drops subscriptions whose time is up from memory, without waiting for their rows to be removed. */
    public synchronized int expiredDropped(Instant now) {
        return table.expired(now);
    }

    private record Target(UUID sinkId, Instant expiresAt, UUID ownerId) {

        boolean expiredAt(Instant now) {
            return expiresAt != null && !expiresAt.isAfter(now);
        }
    }

    private record Expiry(Instant at, UUID id) {
    }

    /** The index with each subscription's sink and expiry. Changed only under the {@link Matching} monitor. */
    private static final class Table {

        final SubscriptionIndex index = new SubscriptionIndex();
        final Map<UUID, Target> targets = new ConcurrentHashMap<>();
        final NavigableSet<Expiry> expiries =
                new TreeSet<>(Comparator.comparing(Expiry::at).thenComparing(Expiry::id));

        void put(ResourceGroup group) {
            index.putGroup(group.id(), group.prefixes(), group.members());
        }

        void put(Subscription subscription) {
            // the target first, the index second: a match can never name a subscription without its sink
            forgetExpiry(targets.put(subscription.id(),
                    new Target(subscription.sinkId(), subscription.expiresAt(), subscription.ownerId())), subscription.id());
            if (subscription.expiresAt() != null) {
                expiries.add(new Expiry(subscription.expiresAt(), subscription.id()));
            }
            try {
                index.put(subscription.id(), subscription.filter());
            } catch (IllegalArgumentException unusable) {
                // validated on the way in; a row that still cannot be indexed must not stop the others
                LOG.severe(() -> "subscription " + subscription.id() + " cannot be indexed: " + unusable.getMessage());
            }
        }

        void remove(UUID id) {
            index.remove(id);
            forgetExpiry(targets.remove(id), id);
        }

        int expired(Instant now) {
            int dropped = 0;
            while (!expiries.isEmpty() && !expiries.first().at().isAfter(now)) {
                Expiry due = expiries.pollFirst();
                index.remove(due.id());
                targets.remove(due.id());
                dropped++;
            }
            return dropped;
        }

        private void forgetExpiry(Target previous, UUID id) {
            if (previous != null && previous.expiresAt() != null) {
                expiries.remove(new Expiry(previous.expiresAt(), id));
            }
        }
    }
}
