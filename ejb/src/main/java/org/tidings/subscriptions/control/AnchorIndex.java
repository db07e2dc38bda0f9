package org.tidings.subscriptions.control;

import java.util.List;

/**
 * Lists each subscription under the keys of its anchor part only (see {@link Anchor}) and checks the other parts
 * on the few candidates found. Counting hits over every constrained part instead would walk, for each event, the
 * list of every subscription sharing its type: a cost that grows with the number of subscriptions. Adding or
 * removing a subscription touches only its own keys. Not thread-safe: {@link SubscriptionIndex} guards it.
 */
final class AnchorIndex {

    private final KeyedFilters bySubject = new KeyedFilters();
    private final UriPrefixTree<FilterList> bySubjectPrefix = new UriPrefixTree<>();
    private final KeyedFilters byDomain = new KeyedFilters();
    private final KeyedFilters bySubdomainOf = new KeyedFilters();
    private final KeyedFilters byType = new KeyedFilters();
    private final KeyedFilters bySource = new KeyedFilters();
    private final KeyedFilters byTypePrefix = new KeyedFilters();
    /** Expression-only and match-all subscriptions: the slow path, checked for every event. */
    private final FilterList unanchored = new FilterList();
    private final ResourceGroups groups;

    AnchorIndex(ResourceGroups groups) {
        this.groups = groups;
    }

    void add(CompiledFilter filter) {
        switch (filter.anchor) {
            case SUBJECT -> bySubject.add(filter.subjects, filter);
            case GROUP -> filter.groups.forEach(group -> groups.subscribe(group, filter));
            case SUBJECT_PREFIX -> filter.subjectPrefixes.forEach(
                    prefix -> bySubjectPrefix.computeIfAbsent(prefix, FilterList::new).add(filter));
            case SUBJECT_DOMAIN -> {
                byDomain.add(filter.domains, filter);
                bySubdomainOf.add(filter.subdomainsOf, filter);
            }
            case TYPE -> byType.add(filter.types, filter);
            case SOURCE -> bySource.add(filter.sources, filter);
            case TYPE_PREFIX -> byTypePrefix.add(filter.typePrefixes, filter);
            case NONE -> unanchored.add(filter);
        }
    }

    void remove(CompiledFilter filter) {
        switch (filter.anchor) {
            case SUBJECT -> bySubject.remove(filter.subjects, filter);
            case GROUP -> filter.groups.forEach(group -> groups.unsubscribe(group, filter));
            case SUBJECT_PREFIX -> filter.subjectPrefixes.forEach(prefix -> {
                FilterList postings = bySubjectPrefix.get(prefix);
                if (postings != null && postings.remove(filter) && postings.isEmpty()) {
                    bySubjectPrefix.remove(prefix);
                }
            });
            case SUBJECT_DOMAIN -> {
                byDomain.remove(filter.domains, filter);
                bySubdomainOf.remove(filter.subdomainsOf, filter);
            }
            case TYPE -> byType.remove(filter.types, filter);
            case SOURCE -> bySource.remove(filter.sources, filter);
            case TYPE_PREFIX -> byTypePrefix.remove(filter.typePrefixes, filter);
            case NONE -> unanchored.remove(filter);
        }
    }

    /** Checks the candidates for the event, anchor by anchor: one hash lookup or tree walk per event key. */
    void collect(EventKeys event, List<ResourceGroups.Group> touchedGroups, EventMatches matches) {
        String subject = event.subject();
        if (subject != null) {
            bySubject.check(subject, matches);
            bySubjectPrefix.forEachPrefixOf(subject, (postings, length) -> matches.check(postings));
        }
        for (ResourceGroups.Group group : touchedGroups) {
            matches.check(group);
        }
        if (!byDomain.isEmpty() && event.domain() != null) {
            byDomain.check(event.domain(), matches);
        }
        if (!bySubdomainOf.isEmpty()) {
            for (String parent : event.parentDomains()) {
                bySubdomainOf.check(parent, matches);
            }
        }
        if (event.type() != null) {
            byType.check(event.type(), matches);
        }
        if (event.source() != null) {
            bySource.check(event.source(), matches);
        }
        if (!byTypePrefix.isEmpty()) {
            for (String namespace : event.typeNamespaces()) {
                byTypePrefix.check(namespace, matches);
            }
        }
        matches.check(unanchored);
    }
}
