package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tidings.subscriptions.entity.Filter;

// covers S2S-6, S2S-12, S2S-15, LEM-3, LEM-11, RUP-6, RUP-7, RUP-20 (equivalent URI spellings and prefix
// boundaries, docs/adr/0009): the index agrees with a one-by-one check, always
class IndexAgainstLinearMatcherTest {

    private static final int STEPS = 6_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 20_261_121})
    void matchesExactlyLikeTheLinearMatcherThroughRandomChanges(long seed) {
        RandomFilters random = new RandomFilters(seed);
        SubscriptionIndex index = new SubscriptionIndex();
        LinearMatcher oracle = new LinearMatcher(RandomFilters.SPELLINGS);
        List<UUID> live = new ArrayList<>();
        int matchedEvents = 0;

        for (int step = 0; step < STEPS; step++) {
            int dice = random.nextInt(100);
            if (dice < 35 || live.isEmpty()) {
                UUID id = UUID.randomUUID();
                Filter filter = random.filter();
                index.put(id, filter);
                oracle.put(id, filter);
                live.add(id);
            } else if (dice < 45) {
                UUID id = random.pick(live);
                Filter filter = random.filter();
                index.put(id, filter);
                oracle.put(id, filter);
            } else if (dice < 52) {
                UUID id = live.remove(random.nextInt(live.size()));
                assertThat(index.remove(id)).isTrue();
                oracle.remove(id);
            } else if (dice < 56) {
                UUID group = random.pick(random.groupIds);
                var prefixes = random.groupPrefixes();
                var members = random.groupMembers();
                index.putGroup(group, prefixes, members);
                oracle.putGroup(group, prefixes, members);
            } else if (dice < 58) {
                UUID group = random.pick(random.groupIds);
                index.removeGroup(group);
                oracle.removeGroup(group);
            } else {
                CloudEvent event = random.event();
                List<UUID> matched = index.match(event);
                assertThat(new HashSet<>(matched)).as("step %d, event %s", step, event).isEqualTo(oracle.match(event));
                assertThat(matched).as("each match once").doesNotHaveDuplicates();
                matchedEvents += matched.isEmpty() ? 0 : 1;
            }
        }

        assertThat(index.size()).isEqualTo(live.size());
        List<CloudEvent> batch = random.events(500);
        List<List<UUID>> matched = index.match(batch);
        for (int i = 0; i < batch.size(); i++) {
            assertThat(new HashSet<>(matched.get(i))).isEqualTo(oracle.match(batch.get(i)));
        }
        assertThat(matchedEvents).as("the pools collide often enough to match").isGreaterThan(STEPS / 10);
    }
}
