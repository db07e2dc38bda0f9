package org.tidings.trust.control;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.tidings.subscriptions.control.UriReach;
import org.tidings.trust.entity.Grant;

/**
 * What the grants of one kind held by one principal allow, together: their union. Types compare exactly, a type
 * namespace covers itself and what lies under it at a dot; subjects compare in their normal form, a domain as
 * subscriptions' {@code subjectDomains} do ({@code *.example.com}: its subdomains), a URI prefix at a delimiter as
 * their {@code subjectPrefixes} do (docs/adr/0022), a resource group as its members and prefixes; a mailbox list is
 * inside a domain grant only if each of its addresses is. Immutable.
 */
public final class GrantRules {

    /** No grant: nothing is allowed. */
    public static final GrantRules NONE = new GrantRules(false, Set.of(), Set.of(), UriSet.EMPTY, Set.of(), List.of());

    /** Everything: what checks see when security is off (tidings.security.enabled=false, measurement only). */
    public static final GrantRules EVERYTHING = new GrantRules(true, Set.of(), Set.of(), UriSet.EMPTY, Set.of(),
            List.of());

    private final boolean all;
    private final Set<String> types;
    private final Set<String> typeNamespaces;
    /** The subjects and subject prefixes the grants name. */
    private final UriSet named;
    private final Set<String> domains;
    /** What the resource groups the grants name hold: each group's set, shared with other principals' rules. */
    private final List<UriSet> groups;

    private GrantRules(boolean all, Set<String> types, Set<String> typeNamespaces, UriSet named, Set<String> domains,
            List<UriSet> groups) {
        this.all = all;
        this.types = types;
        this.typeNamespaces = typeNamespaces;
        this.named = named;
        this.domains = domains;
        this.groups = groups;
    }

    /** The union of these grants (all of one kind and one principal), naming no resource group. */
    public static GrantRules of(Collection<Grant> grants) {
        return of(grants, id -> null);
    }

    /**
     * The union of these grants (all of one kind and one principal). A grant naming a resource group covers what the
     * group holds, as {@code groups} gives it now (null: the group is not there, and covers nothing).
     */
    public static GrantRules of(Collection<Grant> grants, Function<UUID, UriSet> groups) {
        if (grants.isEmpty()) {
            return NONE;
        }
        boolean all = false;
        Set<String> types = new HashSet<>();
        Set<String> namespaces = new HashSet<>();
        Set<String> subjects = new HashSet<>();
        Set<String> domains = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        Set<UUID> named = new HashSet<>();
        for (Grant grant : grants) {
            all |= grant.allAllowed();
            types.addAll(grant.types());
            namespaces.addAll(grant.typePrefixes());
            subjects.addAll(grant.subjects());
            grant.subjectDomains().forEach(d -> domains.add(UriReach.normalizeDomain(d)));
            prefixes.addAll(grant.subjectPrefixes());
            named.addAll(grant.groups());
        }
        List<UriSet> held = named.stream().map(groups).filter(Objects::nonNull).toList();
        return new GrantRules(all, Set.copyOf(types), Set.copyOf(namespaces), UriSet.of(subjects, prefixes),
                Set.copyOf(domains), held);
    }

    public boolean allowsEverything() {
        return all;
    }

    /** Whether an event of this type may be sent. */
    public boolean allowsType(String type) {
        if (all) {
            return true;
        }
        if (type == null) {
            return false;
        }
        if (types.contains(type) || typeNamespaces.contains(type)) {
            return true;
        }
        for (int dot = type.indexOf('.'); dot > 0; dot = type.indexOf('.', dot + 1)) {
            if (typeNamespaces.contains(type.substring(0, dot))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether every one of an event's URIs (normalized) is covered. An event about no URI is covered only by a grant
     * of everything: a grant of some subjects says nothing about events of none.
     */
    public boolean coversAll(List<String> uris) {
        if (all) {
            return true;
        }
        if (uris.isEmpty()) {
            return false;
        }
        for (String uri : uris) {
            if (!covers(uri)) {
                return false;
            }
        }
        return true;
    }

    /** Whether one normalized URI is covered. */
    public boolean covers(String uri) {
        if (all || named.covers(uri)) {
            return true;
        }
        if (!domains.isEmpty() && UriReach.domainsOf(uri).stream().allMatch(this::domainCovered)) {
            return true;
        }
        for (UriSet group : groups) {
            if (group.covers(uri)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a granted prefix, of a grant or of a group it names, covers the normalized URI or prefix. */
    private boolean underGrantedPrefix(String uri) {
        if (named.underPrefix(uri)) {
            return true;
        }
        for (UriSet group : groups) {
            if (group.underPrefix(uri)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a subscription filter's subject parts keep it inside these grants: everything is granted, or one part
     * that the filter constrains (all parts must hold for a match) lies wholly inside them: every subject covered,
     * every prefix under a granted prefix, every domain granted (a {@code *.} domain under a granted {@code *.}
     * domain). A filter that constrains no subject reaches every subject, and is inside only a grant of everything.
     */
    public boolean contains(Set<String> filterSubjects, Set<String> filterDomains, Set<String> filterPrefixes) {
        if (all) {
            return true;
        }
        if (!filterSubjects.isEmpty()
                && filterSubjects.stream().map(UriReach::normalize).allMatch(this::covers)) {
            return true;
        }
        if (!filterPrefixes.isEmpty() && filterPrefixes.stream().map(UriReach::normalize)
                .allMatch(this::underGrantedPrefix)) {
            return true;
        }
        return !filterDomains.isEmpty() && filterDomains.stream().map(UriReach::normalizeDomain)
                .allMatch(this::domainGranted);
    }

    private boolean domainCovered(String domain) {
        if (domain == null) {
            return false;
        }
        if (domains.contains(domain)) {
            return true;
        }
        for (int dot = domain.indexOf('.'); dot > 0; dot = domain.indexOf('.', dot + 1)) {
            if (domains.contains("*." + domain.substring(dot + 1))) {
                return true;
            }
        }
        return false;
    }

    /** A filter's domain is inside: granted as is, or (plain or {@code *.}) under a granted {@code *.} domain. */
    private boolean domainGranted(String domain) {
        if (domains.contains(domain)) {
            return true;
        }
        String bare = domain.startsWith("*.") ? domain.substring(2) : domain;
        if (domain.startsWith("*.") ? false : domainCovered(bare)) {
            return true;
        }
        for (int dot = bare.indexOf('.'); dot > 0; dot = bare.indexOf('.', dot + 1)) {
            if (domains.contains("*." + bare.substring(dot + 1))) {
                return true;
            }
        }
        return false;
    }
}
