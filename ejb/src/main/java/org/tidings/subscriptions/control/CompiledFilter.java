package org.tidings.subscriptions.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.tidings.subscriptions.entity.Filter;

/**
 * One subscription's filter as the index keeps it: values normalized, repeating strings (types, sources, domains)
 * interned, the CloudEvents SQL expression parsed. Immutable. With a million filters most candidates are not in
 * the CPU cache, so what settles most of them without touching another object (anchorOnly, typeSignature) sits in
 * the filter itself.
 */
final class CompiledFilter {

    final UUID subscriptionId;
    /** Bits of the hashes of the types and namespaces it names, or all bits when it names none. */
    final long typeSignature;
    /** Nothing to check beyond the anchor part: being listed under an event's key is a match. */
    final boolean anchorOnly;
    /** Listed under several keys of its anchor part, so one event may find it more than once. */
    final boolean repeatable;
    final Anchor anchor;
    final Set<String> types;
    final Set<String> typePrefixes;
    final Set<String> sources;
    final Set<String> subjects;
    final Set<String> domains;
    /** The parents named by {@code *.parent} entries: any proper subdomain of them matches. */
    final Set<String> subdomainsOf;
    final Set<String> subjectPrefixes;
    final Set<UUID> groups;
    /** The type when exactly one is named: most filters, checked without loading the set. */
    private final String onlyType;
    private final FilterExpression expression;

    private CompiledFilter(UUID subscriptionId, Filter filter, FilterExpression expression) {
        this.subscriptionId = subscriptionId;
        this.types = transformed(filter.types(), String::intern);
        this.typePrefixes = transformed(filter.typePrefixes(), String::intern);
        this.sources = transformed(filter.sources(), source -> UriNormalizer.normalize(source).intern());
        this.subjects = transformed(filter.subjects(), UriNormalizer::normalize);
        Set<String> allDomains = transformed(filter.subjectDomains(), d -> UriNormalizer.normalizeDomain(d).intern());
        this.domains = transformed(allDomains, d -> d.startsWith("*.") ? null : d);
        this.subdomainsOf = transformed(allDomains, d -> d.startsWith("*.") ? d.substring(2).intern() : null);
        this.subjectPrefixes = transformed(filter.subjectPrefixes(), UriNormalizer::normalize);
        this.groups = filter.groups();
        this.onlyType = types.size() == 1 ? types.iterator().next() : null;
        this.expression = expression;
        this.typeSignature = TypeSignature.of(types, typePrefixes);
        int parts = constrainedParts();
        this.anchorOnly = parts == 0 || parts == 1 && expression == null;
        this.anchor = Anchor.of(this);
        this.repeatable = anchor.keyCount(this) > 1;
    }

    /** Normalizes and parses; throws IllegalArgumentException when the expression is not valid CloudEvents SQL. */
    static CompiledFilter compile(UUID subscriptionId, Filter filter) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(filter, "filter");
        return new CompiledFilter(subscriptionId, filter, FilterExpression.parse(filter.expression()));
    }

    /**
     * Whether every constrained part but the expression holds for an event under whose key the filter was found:
     * the anchor part holds by being found there, so only the others are checked. The anchor is tested before each
     * part's set: with a million filters each set is a cache miss of its own. The expression, the costliest, is
     * left to {@link #expressionHolds}, which the index calls after releasing its lock.
     */
    boolean matchesBesidesExpression(EventKeys event, List<ResourceGroups.Group> touchedGroups) {
        return TypeSignature.mayAccept(typeSignature, event.typeMasks())
                && (anchor == Anchor.TYPE || typeMatches(event.type()))
                && (anchor == Anchor.TYPE_PREFIX || typePrefixes.isEmpty()
                    || containsAny(typePrefixes, event.typeNamespaces()))
                && (anchor == Anchor.SOURCE || sources.isEmpty()
                    || event.source() != null && sources.contains(event.source()))
                && (anchor == Anchor.SUBJECT || subjects.isEmpty()
                    || event.subject() != null && subjects.contains(event.subject()))
                && (anchor == Anchor.SUBJECT_DOMAIN || domainMatches(event))
                && (anchor == Anchor.SUBJECT_PREFIX || subjectPrefixes.isEmpty() || startsWithAny(event.subject()))
                && (anchor == Anchor.GROUP || groups.isEmpty() || touchesAny(touchedGroups));
    }

    boolean hasExpression() {
        return expression != null;
    }

    /** Whether the expression holds; true without one. Reads only this immutable filter and the event. */
    boolean expressionHolds(EventKeys event) {
        return expression == null || expression.holds(event.event());
    }

    /**
     * For a dry run's explanation: the first part of this filter (in the order of {@link Filter}'s parts) that the
     * event does not satisfy, checked whole, without the index's anchors; null if it satisfies them all. Subject
     * prefixes are checked against the subject, as matching checks them when they are not the anchor.
     */
    String failingPart(EventKeys event, List<ResourceGroups.Group> touchedGroups) {
        if (!typeMatches(event.type())) {
            return "types";
        }
        if (!typePrefixes.isEmpty() && !containsAny(typePrefixes, event.typeNamespaces())) {
            return "typePrefixes";
        }
        if (!sources.isEmpty() && (event.source() == null || !sources.contains(event.source()))) {
            return "sources";
        }
        if (!subjects.isEmpty() && (event.subject() == null || !subjects.contains(event.subject()))) {
            return "subjects";
        }
        if (!domainMatches(event)) {
            return "subjectDomains";
        }
        if (!subjectPrefixes.isEmpty() && !startsWithAny(event.subject())) {
            return "subjectPrefixes";
        }
        if (!groups.isEmpty() && !touchesAny(touchedGroups)) {
            return "groups";
        }
        return expressionHolds(event) ? null : "expression";
    }

    private boolean typeMatches(String type) {
        if (onlyType != null) {
            return onlyType.equals(type);
        }
        return types.isEmpty() || type != null && types.contains(type);
    }

    private boolean domainMatches(EventKeys event) {
        if (domains.isEmpty() && subdomainsOf.isEmpty()) {
            return true;
        }
        return event.domain() != null && domains.contains(event.domain())
                || containsAny(subdomainsOf, event.parentDomains());
    }

    private boolean touchesAny(List<ResourceGroups.Group> touchedGroups) {
        for (ResourceGroups.Group group : touchedGroups) {
            if (groups.contains(group.id)) {
                return true;
            }
        }
        return false;
    }

    private boolean startsWithAny(String subject) {
        if (subject != null) {
            for (String prefix : subjectPrefixes) {
                if (UriPrefixTree.covers(prefix, subject)) {
                    return true;
                }
            }
        }
        return false;
    }

    private int constrainedParts() {
        int parts = 0;
        for (Set<?> part : List.of(types, typePrefixes, sources, subjects, subjectPrefixes, groups)) {
            parts += part.isEmpty() ? 0 : 1;
        }
        return parts + (domains.isEmpty() && subdomainsOf.isEmpty() ? 0 : 1) + (expression == null ? 0 : 1);
    }

    private static <T> boolean containsAny(Set<T> wanted, Iterable<T> present) {
        for (T value : present) {
            if (wanted.contains(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies the function to each value, dropping nulls; returns the given set itself when nothing changed,
     * so a filter that arrives normalized and interned costs no copy.
     */
    private static Set<String> transformed(Set<String> values, UnaryOperator<String> function) {
        if (values.isEmpty()) {
            return Set.of();
        }
        List<String> out = new ArrayList<>(values.size());
        boolean same = true;
        for (String value : values) {
            String changed = function.apply(value);
            same &= changed == value;
            if (changed != null) {
                out.add(changed);
            }
        }
        return same ? values : Set.copyOf(out);
    }
}
