package org.tidings.trust.control;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.tidings.subscriptions.control.UriPrefixes;
import org.tidings.subscriptions.control.UriReach;
import org.tidings.subscriptions.entity.ResourceGroup;

/**
 * URIs and URI prefixes in normal form, as a grant or a resource group names them: a URI is in the set if it is one of
 * the URIs or a prefix covers it at a boundary ({@link UriReach#covers}), found as the matching index finds a group's
 * prefixes ({@link UriPrefixes}), not by comparing each: a group may hold thousands. Immutable, so that the set of a
 * group that several principals' grants name is built once and shared (docs/adr/0022).
 */
public final class UriSet {

    static final UriSet EMPTY = new UriSet(Set.of(), Set.of());

    private final Set<String> uris;
    private final UriPrefixes prefixes;

    private UriSet(Set<String> uris, Set<String> prefixes) {
        this.uris = uris;
        this.prefixes = UriPrefixes.of(prefixes);
    }

    /** The set of these URIs and prefixes, as given (normalized here). */
    public static UriSet of(Collection<String> uris, Collection<String> prefixes) {
        return uris.isEmpty() && prefixes.isEmpty() ? EMPTY : new UriSet(normalized(uris), normalized(prefixes));
    }

    /** What a resource group holds: its members and its prefixes. */
    public static UriSet of(ResourceGroup group) {
        return of(group.members(), group.prefixes());
    }

    private static Set<String> normalized(Collection<String> values) {
        return values.stream().map(UriReach::normalize).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a normalized URI is one of the URIs or under one of the prefixes. */
    public boolean covers(String uri) {
        return uris.contains(uri) || underPrefix(uri);
    }

    /** Whether one of the prefixes covers the normalized URI or prefix. */
    public boolean underPrefix(String uri) {
        return prefixes.cover(uri);
    }
}
