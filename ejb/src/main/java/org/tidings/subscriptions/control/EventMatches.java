package org.tidings.subscriptions.control;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The subscriptions one event matches, checked list by list as the index finds candidates, under its read lock,
 * except for CloudEvents SQL expressions: the candidates that need one are kept, and {@link #ids} evaluates them
 * once the lock is released. An evaluation costs far more than the rest of matching (RUP-17); under the read lock
 * it would hold off a waiting change, and the change every other matching thread. The kept filters are
 * immutable, and the result is still the one of the index's state while the lock was held.
 * Each subscription is listed under its anchor part only, so it can be found twice only when that part names
 * several keys (two groups, two namespaces); only such filters' ids are remembered to skip repeats. A filter that
 * is its anchor alone matches as found (see {@link FilterList}).
 */
final class EventMatches {

    private final EventKeys event;
    private final List<ResourceGroups.Group> touchedGroups;
    private final List<UUID> matched = new ArrayList<>();
    private List<CompiledFilter> expressionsToCheck = List.of();
    private UUID[] seen;
    private int seenCount;
    private Set<UUID> seenSet;

    EventMatches(EventKeys event, List<ResourceGroups.Group> touchedGroups) {
        this.event = event;
        this.touchedGroups = touchedGroups;
    }

    void check(FilterList listed) {
        if (listed == null) {
            return;
        }
        listed.addDirectIdsTo(matched);
        for (int i = listed.repeatedFrom(); i < listed.directCount(); i++) {
            UUID id = listed.directIdAt(i);
            if (firstTime(id)) {
                matched.add(id);
            }
        }
        for (int i = 0; i < listed.checkedCount(); i++) {
            if (listed.mayMatch(i, event.typeMasks())) {
                check(listed.checkedAt(i));
            }
        }
    }

    /**
     * A repeatable filter is taken the first time it is found; its expression, if any, gives the same answer for
     * the same event the next time.
     */
    void check(CompiledFilter filter) {
        if ((filter.anchorOnly || filter.matchesBesidesExpression(event, touchedGroups))
                && (!filter.repeatable || firstTime(filter.subscriptionId))) {
            if (filter.hasExpression()) {
                if (expressionsToCheck.isEmpty()) {
                    expressionsToCheck = new ArrayList<>();
                }
                expressionsToCheck.add(filter);
            } else {
                matched.add(filter.subscriptionId);
            }
        }
    }

    long[] eventTypeMasks() {
        return event.typeMasks();
    }

    /**
     * The ids matched, each once, after evaluating the expressions of the candidates that have one: call it after
     * releasing the index's lock, once.
     */
    List<UUID> ids() {
        for (CompiledFilter filter : expressionsToCheck) {
            if (filter.expressionHolds(event)) {
                matched.add(filter.subscriptionId);
            }
        }
        expressionsToCheck = List.of();
        return matched;
    }

    /**
     * Whether the id of a repeatable filter is seen for the first time. Ids are compared by identity, which needs
     * neither the id nor the filter loaded: each filter in the index has an id object of its own. An event finds a
     * few such filters, so a list beats a hash set until it grows long.
     */
    private boolean firstTime(UUID id) {
        if (seenSet != null) {
            return seenSet.add(id);
        }
        if (seen == null) {
            seen = new UUID[16];
        }
        for (int i = 0; i < seenCount; i++) {
            if (seen[i] == id) {
                return false;
            }
        }
        if (seenCount == seen.length) {
            seenSet = Collections.newSetFromMap(new IdentityHashMap<>());
            seenSet.addAll(Arrays.asList(seen));
            return seenSet.add(id);
        }
        seen[seenCount++] = id;
        return true;
    }
}
