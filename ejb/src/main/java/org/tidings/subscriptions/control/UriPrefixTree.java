package org.tidings.subscriptions.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;

/**
 * Finds every key that covers a string as a URI prefix, or every key that a string covers, in time proportional to
 * the string's length plus the answers, however many keys there are (RUP-6). A URI prefix covers only what starts
 * with it at a delimiter ({@link #isBoundary}): {@code https://a.example/img} covers {@code .../img/1}, not
 * {@code .../imgs}. Keys are kept in radix trees over their characters; a key with a whole origin
 * ({@code scheme://authority/}) goes in its origin's own tree, found by one hash lookup, so a walk skips the long run
 * of shared and then scattered host characters that would cost a cache miss per level in a tree of a million URIs.
 * Keys without an origin ({@code mailto:ann}, {@code https://site}) share one tree. Keys with an origin are also kept
 * by hash ({@link PrefixTable}), which answers {@link #forEachPrefixOf}, the lookup of every event, without walking
 * a tree: each prefix of the text from its origin on that ends at a boundary is tested against the table's Bloom
 * filter, and only the few that pass are looked up. Not thread-safe: the owning index guards it.
 */
final class UriPrefixTree<V> {

    private final RadixNode<V> withoutOrigin = new RadixNode<>("", 0, 0);
    private final Map<String, RadixNode<V>> byOrigin = new HashMap<>();
    private final PrefixTable<V> withOriginByKey = new PrefixTable<>();

    V get(String key) {
        int origin = originLength(key);
        RadixNode<V> node = descend(origin < 0 ? withoutOrigin : byOrigin.get(key.substring(0, origin)), key,
                Math.max(origin, 0), null);
        return node == null ? null : node.value;
    }

    V computeIfAbsent(String key, Supplier<V> create) {
        int origin = originLength(key);
        RadixNode<V> root = origin < 0 ? withoutOrigin
                : byOrigin.computeIfAbsent(key.substring(0, origin), o -> new RadixNode<>("", 0, 0));
        RadixNode<V> node = RadixPaths.insert(root, key, Math.max(origin, 0));
        if (node.value == null) {
            node.value = create.get();
            if (origin >= 0) {
                withOriginByKey.put(key, node.value);
            }
        }
        return node.value;
    }

    void remove(String key) {
        int origin = originLength(key);
        RadixNode<V> root = origin < 0 ? withoutOrigin : byOrigin.get(key.substring(0, origin));
        List<RadixNode<V>> path = new ArrayList<>();
        RadixNode<V> node = descend(root, key, Math.max(origin, 0), path);
        if (node == null || node.value == null) {
            return;
        }
        RadixPaths.clear(node, path);
        if (origin >= 0) {
            withOriginByKey.remove(key);
        }
        if (root != withoutOrigin && root.value == null && root.childCount() == 0) {
            byOrigin.remove(key.substring(0, origin));
        }
    }

    /**
     * Calls the action with the value and the length of every key that covers the text ({@link #isBoundary}), the
     * text itself included, with the text's length.
     */
    void forEachPrefixOf(String text, ObjIntConsumer<V> action) {
        RadixPaths.forEachOnPath(withoutOrigin, text, 0, action);
        int origin = originLength(text);
        if (origin < 0 || withOriginByKey.isEmpty()) {
            return;
        }
        // a key with an origin is at least as long as it: hash the origin, then test each longer prefix
        int hash = 0;
        for (int i = 0; i < origin - 1; i++) {
            hash = 31 * hash + text.charAt(i);
        }
        int hierarchical = hierarchyStart(text);
        for (int length = origin; length <= text.length(); length++) {
            hash = 31 * hash + text.charAt(length - 1);
            if (isBoundary(text, length, hierarchical) && withOriginByKey.mayContain(hash)) {
                V value = withOriginByKey.get(text, length, hash);
                if (value != null) {
                    action.accept(value, length);
                }
            }
        }
    }

    /**
     * Calls the action with the value of every key that the prefix covers (the prefix itself included). A prefix
     * shorter than an origin looks at every origin: such an invalidation reaches that far anyway.
     */
    void forEachCoveredBy(String prefix, Consumer<V> action) {
        int origin = originLength(prefix);
        if (origin >= 0) {
            RadixPaths.forEachCoveredBy(byOrigin.get(prefix.substring(0, origin)), prefix, origin, action);
            return;
        }
        RadixPaths.forEachCoveredBy(withoutOrigin, prefix, 0, action);
        byOrigin.forEach((name, root) -> {
            if (name.startsWith(prefix) && isBoundary(name, prefix.length())) {
                RadixPaths.forEachValue(root, action);
            }
        });
    }

    /**
     * Whether the text's first {@code length} characters, as a key, cover the text. A key that is a hierarchical
     * URI or the start of one ({@code scheme:/}) covers a text that starts with it only at a delimiter: when the key
     * is the whole text, or the character on either side of the cut is one of RFC 3986's reserved characters
     * ({@link #isDelimiter}). So {@code https://a.example/img} covers {@code .../img}, {@code .../img/1},
     * {@code .../img?w=2} and {@code .../img;v=1}, not {@code .../imgs} or {@code .../img.png}; {@code http://a.ex}
     * does not cover {@code http://a.example/}; a key ending in a delimiter ({@code https://a.example/img/})
     * covers everything that starts with it. Any other key is a plain character prefix, as opaque URIs have no
     * common hierarchy: {@code tel:+1201} covers {@code tel:+12015550123}, {@code mailto:ann} covers
     * {@code mailto:anne@example.com} (docs/adr/0009).
     */
    static boolean isBoundary(String text, int length) {
        return isBoundary(text, length, hierarchyStart(text));
    }

    /** Whether the prefix covers the text: the text starts with it at a boundary ({@link #isBoundary}). */
    static boolean covers(String prefix, String text) {
        return text.startsWith(prefix) && isBoundary(text, prefix.length());
    }

    /** {@link #isBoundary(String, int)} with the text's {@link #hierarchyStart} already known. */
    static boolean isBoundary(String text, int length, int hierarchyStart) {
        return length < hierarchyStart || length == text.length() || isDelimiter(text.charAt(length - 1))
                || isDelimiter(text.charAt(length));
    }

    /**
     * The length of {@code scheme:/} at the start of the text, from which on its prefixes are hierarchical; past the
     * end of any string when the text is no hierarchical URI.
     */
    static int hierarchyStart(String text) {
        int schemeEnd = UriNormalizer.schemeEnd(text);
        return schemeEnd > 0 && text.startsWith("/", schemeEnd + 1) ? schemeEnd + 2 : Integer.MAX_VALUE;
    }

    /** The reserved characters of RFC 3986, 2.2: the delimiters of a URI's components and their parts. */
    static boolean isDelimiter(char c) {
        return switch (c) {
            case ':', '/', '?', '#', '[', ']', '@', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=' -> true;
            default -> false;
        };
    }

    /**
     * The length of the origin at the start of the text: up to and including the first {@code /} after the first
     * {@code ://}; -1 when there is none. A key and any text it is a prefix of agree on it.
     */
    static int originLength(String text) {
        int separator = text.indexOf("://");
        int slash = separator > 0 ? text.indexOf('/', separator + 3) : -1;
        return slash < 0 ? -1 : slash + 1;
    }

    private static <V> RadixNode<V> descend(RadixNode<V> root, String key, int from, List<RadixNode<V>> path) {
        RadixNode<V> node = root;
        int i = from;
        while (node != null && i < key.length()) {
            RadixNode<V> child = node.child(key.charAt(i));
            if (child == null || !child.labelAt(key, i)) {
                return null;
            }
            if (path != null) {
                path.add(node);
            }
            node = child;
            i += child.labelLength();
        }
        return node;
    }
}
