package org.tidings.subscriptions.control;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;

/**
 * A radix tree over the characters of its keys: finding every key that is a prefix of a string, or every key that
 * starts with a string, costs the length of that string plus the answers, however many keys there are (RUP-6).
 * Edges carry whole runs of characters, so a million similar URIs share their common parts. Every node except the
 * root holds a value or branches; removal restores that by merging. Not thread-safe: the owning index guards it.
 */
final class UriPrefixTree<V> {

    private final RadixNode<V> root = new RadixNode<>("", 0, 0);

    V get(String key) {
        RadixNode<V> node = root;
        int i = 0;
        while (i < key.length()) {
            RadixNode<V> child = node.child(key.charAt(i));
            if (child == null || !child.labelAt(key, i)) {
                return null;
            }
            node = child;
            i += child.labelLength();
        }
        return node.value;
    }

    V computeIfAbsent(String key, Supplier<V> create) {
        RadixNode<V> node = root;
        int i = 0;
        while (i < key.length()) {
            int at = node.indexOf(key.charAt(i));
            if (at < 0) {
                RadixNode<V> leaf = new RadixNode<>(key, i, key.length());
                node.insertChild(-at - 1, leaf);
                node = leaf;
                break;
            }
            RadixNode<V> child = node.childAt(at);
            int common = child.matchLength(key, i);
            node = common < child.labelLength() ? node.splitChild(at, common) : child;
            i += common;
        }
        if (node.value == null) {
            node.value = create.get();
        }
        return node.value;
    }

    void remove(String key) {
        List<RadixNode<V>> path = new ArrayList<>();
        RadixNode<V> node = root;
        int i = 0;
        while (i < key.length()) {
            RadixNode<V> child = node.child(key.charAt(i));
            if (child == null || !child.labelAt(key, i)) {
                return;
            }
            path.add(node);
            node = child;
            i += child.labelLength();
        }
        if (node.value == null) {
            return;
        }
        node.value = null;
        if (node == root) {
            return;
        }
        RadixNode<V> parent = path.get(path.size() - 1);
        if (node.childCount() == 0) {
            parent.removeChild(node);
            if (parent != root && parent.value == null && parent.childCount() == 1) {
                parent.absorbOnlyChild();
            }
        } else if (node.childCount() == 1) {
            node.absorbOnlyChild();
        }
    }

    /**
     * Calls the action with the value and the length of every key that is a prefix of the text (the text itself
     * included, with the text's length).
     */
    void forEachPrefixOf(String text, ObjIntConsumer<V> action) {
        RadixNode<V> node = root;
        int i = 0;
        if (root.value != null) {
            action.accept(root.value, 0);
        }
        while (i < text.length()) {
            RadixNode<V> child = node.child(text.charAt(i));
            if (child == null || !child.labelAt(text, i)) {
                return;
            }
            node = child;
            i += child.labelLength();
            if (node.value != null) {
                action.accept(node.value, i);
            }
        }
    }

    /** Calls the action with the value of every key that starts with the prefix (the prefix itself included). */
    void forEachStartingWith(String prefix, Consumer<V> action) {
        RadixNode<V> node = root;
        int i = 0;
        while (i < prefix.length()) {
            RadixNode<V> child = node.child(prefix.charAt(i));
            if (child == null || child.matchLength(prefix, i) < Math.min(child.labelLength(), prefix.length() - i)) {
                return;
            }
            node = child;
            i += child.labelLength();
        }
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
