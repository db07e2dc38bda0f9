package org.tidings.trust.control;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.tidings.subscriptions.control.UriReach;
import org.tidings.subscriptions.entity.ResourceGroup;

/**
 * URIs and URI prefixes in normal form, as a grant or a resource group names them: a URI is in the set if it is one of
 * the URIs or a prefix covers it at a boundary ({@link UriReach#covers}). Prefixes are looked up by length (a set
 * lookup per distinct prefix length), not compared one by one: a group may hold thousands. Immutable, so that the set
 * of a group that several principals' grants name is built once and shared (docs/adr/0022).
 */
public final class UriSet {

    static final UriSet EMPTY = new UriSet(Set.of(), Set.of());

    private final Set<String> uris;
    private final Set<String> prefixes;
    /** The distinct lengths of {@link #prefixes}, ascending. */
    private final int[] prefixLengths;

    private UriSet(Set<String> uris, Set<String> prefixes) {
        this.uris = uris;
        this.prefixes = prefixes;
        this.prefixLengths = prefixes.stream().mapToInt(String::length).distinct().sorted().toArray();
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

    /**
     * Whether one of the prefixes covers the normalized URI or prefix: one of its own prefixes, cut at a length some
     * prefix of the set has, is in the set and ends at a boundary.
     */
    public boolean underPrefix(String uri) {
        for (int length : prefixLengths) {
            if (length > uri.length()) {
                return false;
            }
            String cut = uri.substring(0, length);
            if (prefixes.contains(cut) && UriReach.covers(cut, uri)) {
                return true;
            }
        }
        return false;
    }
}
