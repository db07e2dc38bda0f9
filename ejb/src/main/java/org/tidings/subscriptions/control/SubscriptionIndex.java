package org.tidings.subscriptions.control;

import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.tidings.subscriptions.entity.Filter;

/**
 * Finds every subscription that wants an event (S2S-6, LEM-3, LEM-11), in time that barely grows with the number
 * of subscriptions: each subscription is listed under its most selective filter part ({@link AnchorIndex}), groups
 * are found through URI prefix trees ({@link ResourceGroups}), and only the few candidates are checked in full.
 * <p>
 * Thread-safety: one read-write lock over the whole index. Matching threads share the read lock (events are
 * normalized before taking it, CloudEvents SQL expressions evaluated after releasing it, see {@link
 * EventMatches}); a change holds the write lock for a few map updates, so no match sees it half applied.
 * Copy-on-write snapshots would copy a million-entry index on every change.
 */
public final class SubscriptionIndex {

    /** CloudEvents extension: space-separated URIs that one event invalidates at once (RUP-7). */
    public static final String URIS_EXTENSION = "tidingsuris";
    /** CloudEvents extension: a URI prefix under which one event invalidates everything (RUP-7). */
    public static final String PREFIX_EXTENSION = "tidingsprefix";

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<UUID, CompiledFilter> filters = new HashMap<>();
    private final ResourceGroups groups = new ResourceGroups();
    private final AnchorIndex anchors = new AnchorIndex(groups);

    /**
     * Adds the subscription or replaces its filter in one step.
     *
     * @throws IllegalArgumentException if the filter's expression is not valid CloudEvents SQL; the index is then
     *                                  unchanged
     */
    public void put(UUID subscriptionId, Filter filter) {
        CompiledFilter compiled = CompiledFilter.compile(subscriptionId, filter);
        under(lock.writeLock(), () -> {
            CompiledFilter previous = filters.put(subscriptionId, compiled);
            if (previous != null) {
                anchors.remove(previous);
            }
            anchors.add(compiled);
            return previous;
        });
    }

    /** Removes the subscription; false if it was not there. */
    public boolean remove(UUID subscriptionId) {
        return under(lock.writeLock(), () -> {
            CompiledFilter previous = filters.remove(subscriptionId);
            if (previous != null) {
                anchors.remove(previous);
            }
            return previous != null;
        });
    }

    /** Defines or redefines a resource group (RUP-6); subscriptions may name it before or after. */
    public void putGroup(UUID groupId, Set<String> prefixes, Set<String> members) {
        Objects.requireNonNull(groupId, "groupId");
        Set<String> normalizedPrefixes = normalized(prefixes);
        Set<String> normalizedMembers = normalized(members);
        under(lock.writeLock(), () -> {
            groups.define(groupId, normalizedPrefixes, normalizedMembers);
            return null;
        });
    }

    /** Removes a group's definition; subscriptions naming it stay and match again once it is redefined. */
    public boolean removeGroup(UUID groupId) {
        return under(lock.writeLock(), () -> groups.undefine(groupId));
    }

    /**
     * The ids of the subscriptions whose filter the event satisfies, each once, in no particular order. Locks
     * without {@link #under}: this is the path of every event, and a capturing lambda may cost an allocation.
     */
    public List<UUID> match(CloudEvent event) {
        EventKeys keys = EventKeys.of(event);
        EventMatches matches;
        Lock read = lock.readLock();
        read.lock();
        try {
            matches = candidatesLocked(keys);
        } finally {
            read.unlock();
        }
        return matches.ids();
    }

    /** Matches a batch (LEM-11) against one state of the index: no change lands between two of its events. */
    public List<List<UUID>> match(List<CloudEvent> batch) {
        List<EventKeys> keys = batch.stream().map(EventKeys::of).toList();
        List<EventMatches> found = under(lock.readLock(), () -> {
            List<EventMatches> candidates = new ArrayList<>(keys.size());
            keys.forEach(event -> candidates.add(candidatesLocked(event)));
            return candidates;
        });
        List<List<UUID>> matched = new ArrayList<>(found.size());
        found.forEach(matches -> matched.add(matches.ids()));
        return matched;
    }

    /**
     * For a dry run: why each subscription not in {@code matched} does not want the event, as the first filter part
     * it fails ({@code CompiledFilter#failingPart}; {@code "index"} when every part holds when checked whole but
     * the index's anchors found it not, which only URI-list events can cause), at most {@code limit} of them.
     */
    public Map<UUID, String> unmatched(CloudEvent event, Set<UUID> matched, int limit) {
        EventKeys keys = EventKeys.of(event);
        return under(lock.readLock(), () -> {
            List<ResourceGroups.Group> touched = groups.touchedBy(keys);
            Map<UUID, String> reasons = new java.util.LinkedHashMap<>();
            for (CompiledFilter filter : filters.values()) {
                if (reasons.size() >= limit) {
                    break;
                }
                if (!matched.contains(filter.subscriptionId)) {
                    String part = filter.failingPart(keys, touched);
                    reasons.put(filter.subscriptionId, part == null ? "index" : part);
                }
            }
            return reasons;
        });
    }

    /** The number of subscriptions. */
    public int size() {
        return under(lock.readLock(), filters::size);
    }

    private static <T> T under(Lock held, Supplier<T> action) {
        held.lock();
        try {
            return action.get();
        } finally {
            held.unlock();
        }
    }

    private EventMatches candidatesLocked(EventKeys event) {
        List<ResourceGroups.Group> touched = groups.touchedBy(event);
        EventMatches matches = new EventMatches(event, touched);
        anchors.collect(event, touched, matches);
        return matches;
    }

    private static Set<String> normalized(Set<String> uris) {
        return uris == null ? Set.of()
                : uris.stream().map(UriNormalizer::normalize).collect(Collectors.toUnmodifiableSet());
    }
}
