package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.tidings.subscriptions.control.FilterBuilder.filter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// covers the open-addressing table of KeyedFilters (removal, growth, keys of equal hash) and the FilterList
// sections it fills: filters listed under two keys are found once per event
class KeyedFiltersTest {

    /** "Aa" and "BB" share a String hash, and so do all four-character joins of them. */
    private static final List<String> KEYS = List.of("Aa", "BB", "AaAa", "AaBB", "BBAa", "BBBB", "", "mailto:ann",
            "mailto:bob", "d1.example", "d2.example", "d3.example", "x", "y", "z");
    private static final List<String> TYPES = List.of("org.a.X", "org.a.Y", "org.b.X");

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42})
    void findsWhatAPlainMapHoldsUnderRandomChanges(long seed) {
        Random random = new Random(seed);
        KeyedFilters table = new KeyedFilters();
        Map<CompiledFilter, Set<String>> listed = new HashMap<>();
        List<CompiledFilter> live = new ArrayList<>();
        for (int step = 0; step < 3_000; step++) {
            if (!live.isEmpty() && random.nextInt(3) == 0) {
                CompiledFilter gone = live.remove(random.nextInt(live.size()));
                table.remove(listed.remove(gone), gone);
            } else {
                Set<String> keys = randomKeys(random);
                CompiledFilter added = compiled(random, keys.size());
                table.add(keys, added);
                listed.put(added, keys);
                live.add(added);
            }
            String type = TYPES.get(random.nextInt(TYPES.size()));
            Set<String> probed = randomKeys(random);
            EventMatches matches = new EventMatches(
                    EventKeys.of(TestEvents.event(type, "mailto:someone@example.com").build()), List.of());
            probed.forEach(key -> table.check(key, matches));
            List<UUID> expected = live.stream()
                    .filter(f -> listed.get(f).stream().anyMatch(probed::contains))
                    .filter(f -> f.types.isEmpty() || f.types.contains(type))
                    .map(f -> f.subscriptionId).toList();
            assertThat(matches.ids()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(table.isEmpty()).isEqualTo(live.isEmpty());
        }
    }

    @Test
    void aHundredThousandKeysOfOneStringHashAreAddedAndFoundInMilliseconds() {
        List<String> keys = keysOfOneStringHash(100_000);
        assertThat(keys.stream().map(String::hashCode).distinct()).hasSize(1);
        KeyedFilters table = new KeyedFilters();
        List<CompiledFilter> filters = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            filters.add(CompiledFilter.compile(new UUID(0, i), filter().subjects("mailto:one@example.com").build()));
        }

        // generous: it takes milliseconds; keyed on String.hashCode every add and lookup walked one probe run as
        // long as the table, which took minutes
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < keys.size(); i++) {
                table.add(Set.of(keys.get(i)), filters.get(i));
            }
            EventMatches matches = new EventMatches(
                    EventKeys.of(TestEvents.event("a.B", "mailto:someone@example.com").build()), List.of());
            keys.forEach(key -> table.check(key, matches));
            assertThat(matches.ids()).containsExactlyElementsOf(filters.stream().map(f -> f.subscriptionId).toList());
        });
    }

    /** Joins of "Aa" and "BB", which share a String hash: as many as asked, all of one String hash. */
    private static List<String> keysOfOneStringHash(int count) {
        List<String> keys = new ArrayList<>(count);
        for (int bits = 0; keys.size() < count; bits++) {
            StringBuilder key = new StringBuilder();
            for (int i = 0; i < 17; i++) {
                key.append((bits >> i & 1) == 0 ? "Aa" : "BB");
            }
            keys.add(key.toString());
        }
        return keys;
    }

    private static Set<String> randomKeys(Random random) {
        Set<String> keys = new LinkedHashSet<>();
        for (int n = 1 + random.nextInt(2); n > 0; n--) {
            keys.add(KEYS.get(random.nextInt(KEYS.size())));
        }
        return keys;
    }

    /** A filter anchored on as many subjects as it is listed under keys, with a type constraint or none. */
    private static CompiledFilter compiled(Random random, int subjects) {
        FilterBuilder builder = subjects == 1 ? filter().subjects("mailto:one@example.com")
                : filter().subjects("mailto:one@example.com", "mailto:two@example.com");
        if (random.nextBoolean()) {
            builder.types(TYPES.get(random.nextInt(TYPES.size())));
        }
        return CompiledFilter.compile(new UUID(random.nextLong(), random.nextLong()), builder.build());
    }
}
