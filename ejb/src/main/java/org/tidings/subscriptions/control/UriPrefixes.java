package org.tidings.subscriptions.control;

import java.util.Collection;

/**
 * A fixed set of URI prefixes in normal form, asked whether one of them covers a URI ({@link UriReach#covers}), in
 * time proportional to the URI's length however many prefixes there are: the matching index's {@link UriPrefixTree},
 * built once here and only read after, so that any thread may ask (its reads change nothing).
 */
public final class UriPrefixes {

    private final UriPrefixTree<Boolean> tree = new UriPrefixTree<>();
    private final boolean empty;

    private UriPrefixes(Collection<String> prefixes) {
        prefixes.forEach(prefix -> tree.computeIfAbsent(prefix, () -> Boolean.TRUE));
        this.empty = prefixes.isEmpty();
    }

    /** These prefixes, each already in normal form. */
    public static UriPrefixes of(Collection<String> normalizedPrefixes) {
        return new UriPrefixes(normalizedPrefixes);
    }

    /** Whether one of the prefixes covers the normalized URI (or prefix), the URI itself included. */
    public boolean cover(String uri) {
        if (empty) {
            return false;
        }
        boolean[] covered = {false};
        tree.forEachPrefixOf(uri, (value, length) -> covered[0] = true);
        return covered[0];
    }
}
