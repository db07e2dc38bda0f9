package org.tidings.subscriptions.control;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The subscriptions one event matches, checked list by list as the index finds candidates, under its read lock.
 * Each subscription is listed under its anchor part only, so it can be found twice only when that part names
 * several keys (two groups, two namespaces); only such filters are remembered to skip repeats. A filter that is
 * its anchor alone matches as found (see {@link FilterList}).
 */
final class EventMatches {

    private final EventKeys event;
    private final List<ResourceGroups.Group> touchedGroups;
    private final List<UUID> matched = new ArrayList<>();
    private Set<CompiledFilter> repeatable;

    EventMatches(EventKeys event, List<ResourceGroups.Group> touchedGroups) {
        this.event = event;
        this.touchedGroups = touchedGroups;
    }

    void check(FilterList listed) {
        if (listed == null) {
            return;
        }
        listed.addDirectIdsTo(matched);
        for (int i = 0; i < listed.checkedCount(); i++) {
            if (listed.mayMatch(i, event.typeSignature())) {
                check(listed.checkedAt(i));
            }
        }
    }

    void check(CompiledFilter filter) {
        if ((filter.anchorOnly || filter.matches(event, touchedGroups)) && firstTime(filter)) {
            matched.add(filter.subscriptionId);
        }
    }

    List<UUID> ids() {
        return matched;
    }

    private boolean firstTime(CompiledFilter filter) {
        if (!filter.repeatable) {
            return true;
        }
        if (repeatable == null) {
            repeatable = new HashSet<>();
        }
        return repeatable.add(filter);
    }
}
