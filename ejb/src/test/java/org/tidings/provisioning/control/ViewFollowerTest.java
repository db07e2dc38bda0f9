package org.tidings.provisioning.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.provisioning.entity.Change;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.provisioning.entity.ChangesSince;
import org.tidings.provisioning.entity.Staleness;

class ViewFollowerTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

    /** A change log in memory: the rows from {@code first} on are kept, older ones pruned. */
    private static final class Log extends ChangeStore {
        final List<Change> rows = new ArrayList<>();
        long first = 1;
        RuntimeException outage;

        void add(ChangeKind kind, UUID id) {
            rows.add(new Change(rows.size() + 1, kind, id, NOW));
        }

        @Override
        public long latest() {
            if (outage != null) {
                throw outage;
            }
            return rows.size();
        }

        @Override
        public ChangesSince since(long after) {
            long latest = latest();
            return new ChangesSince(after, latest, rows.stream()
                    .filter(c -> c.generation() > after && c.generation() >= first).toList());
        }
    }

    /** Records what the follower asked of it. */
    private static final class Recorder implements ViewFollower.View {
        int reloads;
        final List<UUID> refreshed = new ArrayList<>();

        @Override
        public void reloaded() {
            reloads++;
        }

        @Override
        public void refreshed(Change change) {
            refreshed.add(change.entityId());
        }
    }

    private final Log log = new Log();
    private final Recorder view = new Recorder();
    private final ViewFollower follower = new ViewFollower("test view",
            EnumSet.of(ChangeKind.SUBSCRIPTION, ChangeKind.GROUP), Clock.fixed(NOW, ZoneOffset.UTC));
    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();

    @Test
    void theFirstCatchUpLoadsEverythingAtTheLatestGeneration() {
        log.add(ChangeKind.SUBSCRIPTION, a);
        log.add(ChangeKind.SUBSCRIPTION, b);

        Staleness loaded = follower.caughtUp(log, view);

        assertThat(view.reloads).isEqualTo(1);
        assertThat(view.refreshed).isEmpty();
        assertThat(loaded).isEqualTo(new Staleness("test view", 2, 2, NOW, null));
        assertThat(loaded.current()).isTrue();
    }

    @Test
    void laterOnlyTheChangedRowsOfItsKindsAreReReadEachOnceInTheOrderOfTheirLastChange() {
        follower.caughtUp(log, view);
        log.add(ChangeKind.SUBSCRIPTION, a);
        log.add(ChangeKind.SOURCE, UUID.randomUUID());
        log.add(ChangeKind.GROUP, b);
        log.add(ChangeKind.SUBSCRIPTION, a);

        Staleness caughtUp = follower.caughtUp(log, view);

        assertThat(view.reloads).isEqualTo(1);
        assertThat(view.refreshed).containsExactly(b, a);
        assertThat(caughtUp.applied()).isEqualTo(4);
    }

    @Test
    void nothingNewCostsNothing() {
        follower.caughtUp(log, view);
        follower.caughtUp(log, view);

        assertThat(view.reloads).isEqualTo(1);
        assertThat(view.refreshed).isEmpty();
    }

    @Test
    void aViewBehindThePrunedLogReloads() {
        follower.caughtUp(log, view);
        log.add(ChangeKind.SUBSCRIPTION, a);
        log.add(ChangeKind.SUBSCRIPTION, b);
        log.first = 2;

        Staleness caughtUp = follower.caughtUp(log, view);

        assertThat(view.reloads).isEqualTo(2);
        assertThat(view.refreshed).isEmpty();
        assertThat(caughtUp.applied()).isEqualTo(2);
    }

    @Test
    void aFailedCatchUpKeepsTheViewAtItsGenerationAndSaysWhyUntilTheNextOneSucceeds() {
        follower.caughtUp(log, view);
        log.add(ChangeKind.SUBSCRIPTION, a);
        log.outage = new IllegalStateException("database unreachable");

        Staleness failed = follower.caughtUp(log, view);

        assertThat(failed.applied()).isZero();
        assertThat(failed.failure()).contains("database unreachable");
        assertThat(failed.current()).isFalse();
        assertThat(view.refreshed).isEmpty();

        log.outage = null;
        Staleness recovered = follower.caughtUp(log, view);

        assertThat(recovered.current()).isTrue();
        assertThat(recovered.applied()).isEqualTo(1);
        assertThat(view.refreshed).containsExactly(a);
    }
}
