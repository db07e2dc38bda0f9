package org.tidings.subscriptions.control;

/**
 * The filter part under which a subscription is indexed, in the order of preference: the first part a filter
 * constrains becomes its anchor. Parts that name one addressed entity among millions come first; parts that name
 * one of a few hundred types or a few dozen sources come last, since their keys are shared by many events.
 * A filter that constrains none of them (expression only, or match-all) is {@link #NONE}: checked for every event.
 */
enum Anchor {
    SUBJECT, GROUP, SUBJECT_PREFIX, SUBJECT_DOMAIN, TYPE, SOURCE, TYPE_PREFIX, NONE;

    static Anchor of(CompiledFilter filter) {
        for (Anchor anchor : values()) {
            if (anchor.keyCount(filter) > 0) {
                return anchor;
            }
        }
        return NONE;
    }

    /** How many keys of this part the filter names, each a list it is kept in when this is its anchor. */
    int keyCount(CompiledFilter filter) {
        return switch (this) {
            case SUBJECT -> filter.subjects.size();
            case GROUP -> filter.groups.size();
            case SUBJECT_PREFIX -> filter.subjectPrefixes.size();
            case SUBJECT_DOMAIN -> filter.domains.size() + filter.subdomainsOf.size();
            case TYPE -> filter.types.size();
            case SOURCE -> filter.sources.size();
            case TYPE_PREFIX -> filter.typePrefixes.size();
            case NONE -> 1;
        };
    }
}
