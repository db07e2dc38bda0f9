package org.tidings.subscriptions.control;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The filters listed under one index key. A filter that is its anchor part alone matches whenever its key is
 * hit; those keep their subscription ids in an array of their own, so a match copies ids
 * from one cache line after another without loading the filters. The rest are checked one by one, after a look
 * at their type signatures, kept side by side, has set most of them aside unloaded. Plain arrays,
 * one slot per entry, keep a million keys small; removal scans this key's entries only. A resource group is a
 * list of this kind itself ({@link ResourceGroups.Group}), one object fewer per touched group. Not thread-safe: the
 * owning index guards it.
 */
class FilterList {

    private static final Object[] NONE = {};
    private static final UUID[] NO_IDS = {};
    private static final long[] NO_SIGNATURES = {};

    private Object[] direct = NONE;
    /**
     * Typed, so that reading an id needs no cast: a cast loads the object's header, a cache miss per id with a
     * million subscriptions, while copying the reference loads nothing.
     */
    private UUID[] directIds = NO_IDS;
    private int directCount;
    /**
     * Direct filters listed under several keys (two groups) come last, from here on: one event may find them
     * twice, so their ids, which identify them, are remembered; the filters themselves are never loaded.
     */
    private int repeatedFrom;
    private Object[] checked = NONE;
    /** The checked filters' type signatures, side by side, to reject most without loading them. */
    private long[] checkedSignatures = NO_SIGNATURES;
    private int checkedCount;

    FilterList() {
    }

    FilterList(CompiledFilter first) {
        add(first);
    }

    void add(CompiledFilter filter) {
        if (filter.anchorOnly) {
            direct = room(direct, directCount);
            directIds = room(directIds, directCount);
            int at = directCount++;
            if (!filter.repeatable && repeatedFrom < at) {
                // keeps the repeatable ones last: the first of them moves to the end to make room
                moveDirect(repeatedFrom, at);
                at = repeatedFrom;
            }
            if (!filter.repeatable) {
                repeatedFrom++;
            }
            direct[at] = filter;
            directIds[at] = filter.subscriptionId;
        } else {
            checked = room(checked, checkedCount);
            if (checkedCount == checkedSignatures.length) {
                checkedSignatures = Arrays.copyOf(checkedSignatures, checked.length);
            }
            checkedSignatures[checkedCount] = filter.typeSignature;
            checked[checkedCount++] = filter;
        }
    }

    /** Removes the filter (by identity), moving the last entry into its slot; true if it was there. */
    boolean remove(CompiledFilter filter) {
        if (filter.anchorOnly) {
            int at = indexOf(direct, directCount, filter);
            if (at >= 0 && !filter.repeatable) {
                // the last non-repeatable one fills the gap, the last repeatable one the gap it leaves
                moveDirect(--repeatedFrom, at);
                at = repeatedFrom;
            }
            if (at >= 0) {
                moveDirect(--directCount, at);
                direct[directCount] = null;
                directIds[directCount] = null;
            }
            return at >= 0;
        }
        int at = indexOf(checked, checkedCount, filter);
        if (at >= 0) {
            checkedCount--;
            checked[at] = checked[checkedCount];
            checkedSignatures[at] = checkedSignatures[checkedCount];
            checked[checkedCount] = null;
        }
        return at >= 0;
    }

    boolean isEmpty() {
        return directCount == 0 && checkedCount == 0;
    }

    /** The filter when it is the only one listed, else null. */
    CompiledFilter only() {
        if (directCount + checkedCount != 1) {
            return null;
        }
        return (CompiledFilter) (directCount == 1 ? direct[0] : checked[0]);
    }

    /** The type signatures of every filter listed, ORed: an event sharing no bit with it matches none of them. */
    long typeSignatures() {
        long bits = 0;
        for (int i = 0; i < directCount; i++) {
            bits |= ((CompiledFilter) direct[i]).typeSignature;
        }
        for (int i = 0; i < checkedCount; i++) {
            bits |= checkedSignatures[i];
        }
        return bits;
    }

    /** Adds the ids of the filters that match by being listed here and are listed under no other key. */
    void addDirectIdsTo(List<UUID> ids) {
        for (int i = 0; i < repeatedFrom; i++) {
            ids.add(directIds[i]);
        }
    }

    /** The filters at and after {@link #repeatedFrom} that match by being listed here also have other keys. */
    int repeatedFrom() {
        return repeatedFrom;
    }

    int directCount() {
        return directCount;
    }

    UUID directIdAt(int index) {
        return directIds[index];
    }

    /** How many filters need their other parts checked. */
    int checkedCount() {
        return checkedCount;
    }

    CompiledFilter checkedAt(int index) {
        return (CompiledFilter) checked[index];
    }

    /** Whether the checked filter at the index may accept an event with these type masks. */
    boolean mayMatch(int index, long[] eventTypeMasks) {
        return TypeSignature.mayAccept(checkedSignatures[index], eventTypeMasks);
    }

    private void moveDirect(int from, int to) {
        direct[to] = direct[from];
        directIds[to] = directIds[from];
    }

    private static <T> T[] room(T[] array, int count) {
        return count < array.length ? array : Arrays.copyOf(array, Math.max(2, count + (count >> 1)));
    }

    private static int indexOf(Object[] array, int count, Object entry) {
        for (int i = 0; i < count; i++) {
            if (array[i] == entry) {
                return i;
            }
        }
        return -1;
    }
}
