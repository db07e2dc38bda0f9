package org.tidings.subscriptions.control;

import java.util.Arrays;

/**
 * The resource groups that name one URI, as a prefix or as a member, in one array (those naming it as a prefix
 * first): a URI's lookup then reaches its groups through one object fewer than with a list per role, and with a
 * million subscriptions each object on that path is a cache miss. A URI is named by a few groups, so the array is
 * copied on each change. Not thread-safe: {@link ResourceGroups} guards it.
 */
final class UriNaming {

    private static final ResourceGroups.Group[] NONE = {};

    private ResourceGroups.Group[] groups = NONE;
    private int prefixCount;

    void add(ResourceGroups.Group group, boolean asPrefix) {
        int at = asPrefix ? prefixCount++ : groups.length;
        ResourceGroups.Group[] grown = new ResourceGroups.Group[groups.length + 1];
        System.arraycopy(groups, 0, grown, 0, at);
        grown[at] = group;
        System.arraycopy(groups, at, grown, at + 1, groups.length - at);
        groups = grown;
    }

    /** Removes the group (by identity) from the role; true if it was there. */
    boolean remove(ResourceGroups.Group group, boolean asPrefix) {
        int from = asPrefix ? 0 : prefixCount;
        int to = asPrefix ? prefixCount : groups.length;
        for (int i = from; i < to; i++) {
            if (groups[i] == group) {
                ResourceGroups.Group[] shrunk = Arrays.copyOf(groups, groups.length - 1);
                System.arraycopy(groups, i + 1, shrunk, i, groups.length - i - 1);
                groups = shrunk;
                prefixCount -= asPrefix ? 1 : 0;
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return groups.length == 0;
    }

    /** The groups naming the URI as a prefix, at indexes 0 to {@link #prefixCount}, then those naming it whole. */
    ResourceGroups.Group[] groups() {
        return groups;
    }

    int prefixCount() {
        return prefixCount;
    }
}
