package org.tidings.subscriptions.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Resource groups (RUP-6): each is a set of URI prefixes plus explicit member URIs. Prefixes and members share one
 * {@link UriPrefixTree}, so one walk along a URI finds the groups it touches as a prefix or as a member, in time
 * proportional to its length whatever the number of groups; members sit in the tree rather than in a hash because
 * a prefix invalidation (RUP-7) needs every member under a prefix. A subscription may name a group before it is
 * defined, so a group's entry lives while it is defined or subscribed to. Not thread-safe: {@link
 * SubscriptionIndex} guards it.
 */
final class ResourceGroups {

    private final Map<UUID, Group> groups = new HashMap<>();
    private final UriPrefixTree<UriNaming> uris = new UriPrefixTree<>();

    /** Defines or redefines a group from normalized URIs; only the old definition's tree entries are replaced. */
    void define(UUID groupId, Set<String> prefixes, Set<String> members) {
        Group group = groups.computeIfAbsent(groupId, Group::new);
        unlink(group);
        group.prefixes = prefixes;
        group.members = members;
        prefixes.forEach(prefix -> uris.computeIfAbsent(prefix, UriNaming::new).add(group, true));
        members.forEach(member -> uris.computeIfAbsent(member, UriNaming::new).add(group, false));
    }

    boolean undefine(UUID groupId) {
        Group group = groups.get(groupId);
        if (group == null || group.prefixes == null) {
            return false;
        }
        unlink(group);
        group.prefixes = null;
        group.members = null;
        dropIfUnused(group);
        return true;
    }

    void subscribe(UUID groupId, CompiledFilter filter) {
        groups.computeIfAbsent(groupId, Group::new).add(filter);
    }

    void unsubscribe(UUID groupId, CompiledFilter filter) {
        Group group = groups.get(groupId);
        if (group != null) {
            group.remove(filter);
            dropIfUnused(group);
        }
    }

    /**
     * The defined groups the event touches, each once: a URI it is about touches a group it is a member of or
     * that has a prefix of it; its invalidated prefix touches a group with a member or prefix under it, or with a
     * prefix of it.
     */
    List<Group> touchedBy(EventKeys event) {
        if (groups.isEmpty() || (event.aboutUris().isEmpty() && event.invalidatedPrefix() == null)) {
            return List.of();
        }
        Touched touched = new Touched();
        for (String uri : event.aboutUris()) {
            uris.forEachPrefixOf(uri, (naming, length) -> touched.addNew(naming,
                    length == uri.length() ? naming.groups().length : naming.prefixCount()));
        }
        String prefix = event.invalidatedPrefix();
        if (prefix != null) {
            uris.forEachCoveredBy(prefix, naming -> touched.addNew(naming, naming.groups().length));
            uris.forEachPrefixOf(prefix, (naming, length) -> touched.addNew(naming, naming.prefixCount()));
        }
        return touched.list;
    }

    private void unlink(Group group) {
        if (group.prefixes != null) {
            group.prefixes.forEach(prefix -> unname(prefix, group, true));
            group.members.forEach(member -> unname(member, group, false));
        }
    }

    private void unname(String uri, Group group, boolean prefix) {
        UriNaming naming = uris.get(uri);
        if (naming != null && naming.remove(group, prefix) && naming.isEmpty()) {
            uris.remove(uri);
        }
    }

    private void dropIfUnused(Group group) {
        if (group.prefixes == null && group.isEmpty()) {
            groups.remove(group.id);
        }
    }

    /**
     * The groups one event touches, each once, in a cost linear in how often they are named along its URIs: an
     * event touches a handful of groups, so a list searched by identity beats a hash set, until a prefix
     * invalidation touches many ({@code tidingsprefix} of {@code https://} names every group), where searching
     * the list would cost the square of their number (RUP-17); then an identity set takes over.
     */
    private static final class Touched {
        private static final int LIST_SEARCH_LIMIT = 16;

        private final List<Group> list = new ArrayList<>(4);
        private Set<Group> set;

        void addNew(UriNaming naming, int count) {
            Group[] found = naming.groups();
            for (int i = 0; i < count; i++) {
                if (isNew(found[i])) {
                    list.add(found[i]);
                }
            }
        }

        private boolean isNew(Group group) {
            if (set != null) {
                return set.add(group);
            }
            if (list.contains(group)) {
                return false;
            }
            if (list.size() == LIST_SEARCH_LIMIT) {
                set = Collections.newSetFromMap(new IdentityHashMap<>());
                set.addAll(list);
                set.add(group);
            }
            return true;
        }
    }

    /**
     * A group's definition (null prefixes and members while undefined) and, being a {@link FilterList}, the
     * subscriptions anchored on it: an event that touches the group finds them without loading another object.
     */
    static final class Group extends FilterList {
        final UUID id;
        Set<String> prefixes;
        Set<String> members;

        Group(UUID id) {
            this.id = id;
        }
    }
}
