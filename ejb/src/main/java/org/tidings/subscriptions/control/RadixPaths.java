package org.tidings.subscriptions.control;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;

/**
 * The walks over one radix tree of {@link RadixNode}s that {@link UriPrefixTree} needs: each starts at a root and
 * an offset into the text, since a tree may hold only the part of its keys after their origin. Every node except
 * a root holds a value or branches; {@link #clear} keeps it so by merging.
 */
final class RadixPaths {

    private RadixPaths() {
    }

    /** The node for the key from the offset on, created (splitting an edge if need be) when absent. */
    static <V> RadixNode<V> insert(RadixNode<V> root, String key, int from) {
        RadixNode<V> node = root;
        int i = from;
        while (i < key.length()) {
            int at = node.indexOf(key.charAt(i));
            if (at < 0) {
                RadixNode<V> leaf = new RadixNode<>(key, i, key.length());
                node.insertChild(-at - 1, leaf);
                return leaf;
            }
            RadixNode<V> child = node.childAt(at);
            int common = child.matchLength(key, i);
            node = common < child.labelLength() ? node.splitChild(at, common) : child;
            i += common;
        }
        return node;
    }

    /** Drops the node's value; a leaf goes, and a node left valueless with one child merges with it. */
    static <V> void clear(RadixNode<V> node, List<RadixNode<V>> ancestors) {
        node.value = null;
        if (ancestors.isEmpty()) {
            return;
        }
        RadixNode<V> parent = ancestors.get(ancestors.size() - 1);
        if (node.childCount() == 0) {
            parent.removeChild(node);
            if (ancestors.size() > 1 && parent.value == null && parent.childCount() == 1) {
                parent.absorbOnlyChild();
            }
        } else if (node.childCount() == 1) {
            node.absorbOnlyChild();
        }
    }

    /**
     * Calls the action with the value and key length of every node on the text's path, the root included, whose key
     * covers the text (see {@link UriPrefixTree#isBoundary}).
     */
    static <V> void forEachOnPath(RadixNode<V> root, String text, int from, ObjIntConsumer<V> action) {
        RadixNode<V> node = root;
        int i = from;
        int hierarchical = UriPrefixTree.hierarchyStart(text);
        if (root.value != null && UriPrefixTree.isBoundary(text, i, hierarchical)) {
            action.accept(root.value, i);
        }
        while (i < text.length()) {
            RadixNode<V> child = node.child(text.charAt(i));
            if (child == null || !child.labelAt(text, i)) {
                return;
            }
            node = child;
            i += child.labelLength();
            if (node.value != null && UriPrefixTree.isBoundary(text, i, hierarchical)) {
                action.accept(node.value, i);
            }
        }
    }

    /**
     * Calls the action with the value of every key below the end of the prefix's path from the offset on that the
     * prefix covers (see {@link UriPrefixTree#isBoundary}): all of them when the prefix is no hierarchical URI or
     * ends in a delimiter, else the prefix itself and the keys that go on with a delimiter. A null root holds
     * nothing.
     */
    static <V> void forEachCoveredBy(RadixNode<V> root, String prefix, int from, Consumer<V> action) {
        RadixNode<V> node = root;
        int i = from;
        while (node != null && i < prefix.length()) {
            RadixNode<V> child = node.child(prefix.charAt(i));
            int rest = prefix.length() - i;
            node = child != null && child.matchLength(prefix, i) >= Math.min(child.labelLength(), rest) ? child : null;
            i += child == null ? 0 : child.labelLength();
        }
        if (node == null) {
            return;
        }
        if (prefix.length() < UriPrefixTree.hierarchyStart(prefix)
                || UriPrefixTree.isDelimiter(prefix.charAt(prefix.length() - 1))) {
            forEachValue(node, action);
        } else if (i > prefix.length()) {
            // the prefix ends inside the node's label: every key below goes on with the same next character
            if (UriPrefixTree.isDelimiter(node.labelChar(node.labelLength() - (i - prefix.length())))) {
                forEachValue(node, action);
            }
        } else {
            if (node.value != null) {
                action.accept(node.value);
            }
            for (int c = 0; c < node.childCount(); c++) {
                if (UriPrefixTree.isDelimiter(node.childAt(c).labelChar(0))) {
                    forEachValue(node.childAt(c), action);
                }
            }
        }
    }

    /** Calls the action with every value at or below the node. */
    static <V> void forEachValue(RadixNode<V> node, Consumer<V> action) {
        Deque<RadixNode<V>> pending = new ArrayDeque<>();
        pending.push(node);
        while (!pending.isEmpty()) {
            RadixNode<V> next = pending.pop();
            if (next.value != null) {
                action.accept(next.value);
            }
            for (int c = 0; c < next.childCount(); c++) {
                pending.push(next.childAt(c));
            }
        }
    }
}
