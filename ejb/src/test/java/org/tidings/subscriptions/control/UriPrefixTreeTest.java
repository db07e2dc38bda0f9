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
            "https://a.example/docs/x", "https://a.example/img", "https://b.example/", "mailto:", "");

    static Stream<Arguments> prefixesOf() {
        return Stream.of(
                Arguments.of("https://a.example/docs/x/y", List.of("", "https://a.example/",
                        "https://a.example/docs/", "https://a.example/docs/x")),
                Arguments.of("https://a.example/im", List.of("", "https://a.example/")),
                Arguments.of("https://a.example/imgs/1", List.of("", "https://a.example/", "https://a.example/img")),
                Arguments.of("https://c.example/", List.of("")),
                Arguments.of("mailto:ann@example.com", List.of("", "mailto:")));
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

    static Stream<Arguments> startingWith() {
        return Stream.of(
                Arguments.of("https://a.example/d", List.of("https://a.example/docs/", "https://a.example/docs/x")),
                Arguments.of("https://a.example/docs/", List.of("https://a.example/docs/", "https://a.example/docs/x")),
                Arguments.of("https://", List.of("https://a.example/", "https://a.example/docs/",
                        "https://a.example/docs/x", "https://a.example/img", "https://b.example/")),
                Arguments.of("https://a.example/docs/x/", List.of()),
                Arguments.of("ftp:", List.of()));
    }

    @ParameterizedTest(name = "keys starting with {0}")
    @MethodSource
    void startingWith(String prefix, List<String> expected) {
        UriPrefixTree<String> tree = treeOf(KEYS);
        List<String> found = new ArrayList<>();
        tree.forEachStartingWith(prefix, found::add);
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
                    plain.keySet().stream().filter(probe::startsWith).toList());
            List<String> extensions = new ArrayList<>();
            tree.forEachStartingWith(probe, extensions::add);
            assertThat(extensions).containsExactlyInAnyOrderElementsOf(
                    plain.keySet().stream().filter(k -> k.startsWith(probe)).toList());
            assertThat(tree.get(probe)).isEqualTo(plain.get(probe));
        }
    }

    /** Short keys over a few characters, half of them behind an origin, so that keys share origins and edges. */
    private static String randomKey(Random random) {
        StringBuilder key = new StringBuilder(ORIGINS.get(random.nextInt(ORIGINS.size())));
        for (int n = random.nextInt(6); n > 0; n--) {
            key.append("ab/:".charAt(random.nextInt(4)));
        }
        return key.toString();
    }

    private static UriPrefixTree<String> treeOf(List<String> keys) {
        UriPrefixTree<String> tree = new UriPrefixTree<>();
        keys.forEach(key -> tree.computeIfAbsent(key, () -> key));
        return tree;
    }
}
