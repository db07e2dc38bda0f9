package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

// covers RUP-6 (a URI's groups found without scanning them), RUP-7 (prefix invalidation)
class UriPrefixTreeTest {

    private static final List<String> ORIGINS = List.of("", "", "a", "a:/", "a://b/", "a://a/", "b://a/", "a://");
    private static final List<String> KEYS = List.of("https://a.example/", "https://a.example/docs/",
            "https://a.example/docs/x", "https://a.example/img", "https://b.example/", "mailto:", "mailto:ann", "",
            "https://b.example", "tel:+1201");

    static Stream<Arguments> prefixesOf() {
        return Stream.of(
                Arguments.of("https://a.example/docs/x/y", List.of("", "https://a.example/",
                        "https://a.example/docs/", "https://a.example/docs/x")),
                Arguments.of("https://a.example/im", List.of("", "https://a.example/")),
                Arguments.of("https://a.example/imgs/1", List.of("", "https://a.example/")),
                Arguments.of("https://a.example/img.png", List.of("", "https://a.example/")),
                Arguments.of("https://a.example/img", List.of("", "https://a.example/", "https://a.example/img")),
                Arguments.of("https://a.example/img/1", List.of("", "https://a.example/", "https://a.example/img")),
                Arguments.of("https://a.example/img?w=2", List.of("", "https://a.example/", "https://a.example/img")),
                Arguments.of("https://a.example/img;v=1", List.of("", "https://a.example/", "https://a.example/img")),
                Arguments.of("https://a.example/docs/xy", List.of("", "https://a.example/", "https://a.example/docs/")),
                Arguments.of("mailto:ann@example.com", List.of("", "mailto:", "mailto:ann")),
                Arguments.of("mailto:anne@example.com", List.of("", "mailto:", "mailto:ann")),
                Arguments.of("tel:+12015550123", List.of("", "tel:+1201")),
                Arguments.of("https://b.example.evil/", List.of("")),
                Arguments.of("https://b.example:8443/x", List.of("", "https://b.example")),
                Arguments.of("https://b.example/x", List.of("", "https://b.example", "https://b.example/")),
                Arguments.of("https://c.example/", List.of("")),
                Arguments.of("mailto:bob@example.com", List.of("", "mailto:")));
    }

    @ParameterizedTest(name = "prefixes of {0}")
    @MethodSource
    void prefixesOf(String text, List<String> expected) {
        UriPrefixTree<String> tree = treeOf(KEYS);
        List<String> found = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        tree.forEachPrefixOf(text, (key, length) -> {
            found.add(key);
            lengths.add(length);
        });
        assertThat(found).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(lengths).isEqualTo(found.stream().map(String::length).toList());
    }

    static Stream<Arguments> coveredBy() {
        return Stream.of(
                Arguments.of("https://a.example/d", List.of()),
                Arguments.of("https://a.example/doc", List.of()),
                Arguments.of("https://a.example/docs", List.of("https://a.example/docs/", "https://a.example/docs/x")),
                Arguments.of("https://a.example/im", List.of()),
                Arguments.of("https://a.example/img", List.of("https://a.example/img")),
                Arguments.of("https://a.example/docs/x", List.of("https://a.example/docs/x")),
                Arguments.of("mailto:an", List.of("mailto:ann")),
                Arguments.of("tel:+1", List.of("tel:+1201")),
                Arguments.of("ht", List.of("https://a.example/", "https://a.example/docs/",
                        "https://a.example/docs/x", "https://a.example/img", "https://b.example/",
                        "https://b.example")),
                Arguments.of("mailto:", List.of("mailto:", "mailto:ann")),
                Arguments.of("https://b.exam", List.of()),
                Arguments.of("https://b.example", List.of("https://b.example", "https://b.example/")),
                Arguments.of("https://a.example/docs/", List.of("https://a.example/docs/", "https://a.example/docs/x")),
                Arguments.of("https://", List.of("https://a.example/", "https://a.example/docs/",
                        "https://a.example/docs/x", "https://a.example/img", "https://b.example/",
                        "https://b.example")),
                Arguments.of("", KEYS),
                Arguments.of("https://a.example/docs/x/", List.of()),
                Arguments.of("ftp:", List.of()));
    }

    @ParameterizedTest(name = "keys covered by {0}")
    @MethodSource
    void coveredBy(String prefix, List<String> expected) {
        UriPrefixTree<String> tree = treeOf(KEYS);
        List<String> found = new ArrayList<>();
        tree.forEachCoveredBy(prefix, found::add);
        assertThat(found).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://a.example/docs/", "https://a.example/", "", "mailto:"})
    void removingAKeyKeepsTheOthers(String removed) {
        UriPrefixTree<String> tree = treeOf(KEYS);
        tree.remove(removed);
        assertThat(tree.get(removed)).isNull();
        KEYS.stream().filter(key -> !key.equals(removed)).forEach(key -> assertThat(tree.get(key)).isEqualTo(key));
    }

    @Test
    void getFindsOnlyWholeKeys() {
        UriPrefixTree<String> tree = treeOf(KEYS);
        assertThat(tree.get("https://a.example/doc")).isNull();
        assertThat(tree.get("https://a.example/docs/xy")).isNull();
        assertThat(tree.get("https://a.example/docs/x")).isEqualTo("https://a.example/docs/x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://a.example/x", "mailto:ann@example.com", "https://a.example", "a://", "x"})
    void anOriginEndsAtTheFirstSlashAfterTheScheme(String text) {
        int origin = UriPrefixTree.originLength(text);
        String expected = text.startsWith("https://a.example/") ? "https://a.example/" : null;
        assertThat(origin < 0 ? null : text.substring(0, origin)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 99})
    void agreesWithAPlainMapUnderRandomChanges(long seed) {
        Random random = new Random(seed);
        UriPrefixTree<String> tree = new UriPrefixTree<>();
        Map<String, String> plain = new HashMap<>();
        for (int step = 0; step < 2_000; step++) {
            String key = randomKey(random);
            if (random.nextInt(3) == 0) {
                tree.remove(key);
                plain.remove(key);
            } else {
                tree.computeIfAbsent(key, () -> key);
                plain.put(key, key);
            }
            String probe = randomKey(random);
            List<String> prefixes = new ArrayList<>();
            tree.forEachPrefixOf(probe, (found, length) -> prefixes.add(found));
            assertThat(prefixes).containsExactlyInAnyOrderElementsOf(
                    plain.keySet().stream().filter(k -> covers(k, probe)).toList());
            List<String> extensions = new ArrayList<>();
            tree.forEachCoveredBy(probe, extensions::add);
            assertThat(extensions).containsExactlyInAnyOrderElementsOf(
                    plain.keySet().stream().filter(k -> covers(probe, k)).toList());
            assertThat(tree.get(probe)).isEqualTo(plain.get(probe));
        }
    }

    /**
     * The boundary rule written out: a hierarchical URI prefix, then nothing or a reserved character on either side;
     * any other prefix plainly.
     */
    private static boolean covers(String prefix, String text) {
        if (!text.startsWith(prefix)) {
            return false;
        }
        String reserved = ":/?#[]@!$&'()*+,;=";
        int n = prefix.length();
        return !prefix.matches("[A-Za-z][A-Za-z0-9+.-]*:/.*") || n == text.length()
                || reserved.indexOf(prefix.charAt(n - 1)) >= 0 || reserved.indexOf(text.charAt(n)) >= 0;
    }

    /** Short keys over a few characters, half of them behind an origin, so that keys share origins and edges. */
    private static String randomKey(Random random) {
        StringBuilder key = new StringBuilder(ORIGINS.get(random.nextInt(ORIGINS.size())));
        for (int n = random.nextInt(6); n > 0; n--) {
            key.append("ab/:?".charAt(random.nextInt(5)));
        }
        return key.toString();
    }

    private static UriPrefixTree<String> treeOf(List<String> keys) {
        UriPrefixTree<String> tree = new UriPrefixTree<>();
        keys.forEach(key -> tree.computeIfAbsent(key, () -> key));
        return tree;
    }
}
