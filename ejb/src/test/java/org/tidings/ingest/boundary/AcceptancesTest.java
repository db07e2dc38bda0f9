package org.tidings.ingest.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.ingest.entity.Acceptance;
import org.tidings.ingest.entity.AcceptanceKey;
import org.tidings.ingest.entity.Claim;
import org.tidings.ingest.entity.Dispatched;
import org.tidings.ingest.entity.Provenance;

/** The claim's tries: a try that lost a race on the key is tried again; three lost tries fail the delivery. */
class AcceptancesTest {

    private static final AcceptanceKey KEY = AcceptanceKey.of("https://mail.example.com/store", "42");

    private final List<String> claimants = new ArrayList<>();
    private final List<Duration> windows = new ArrayList<>();

    @Test
    void aTryThatLostTheRaceIsTriedAgainAndFindsTheDuplicate() {
        var acceptances = answering(null, null, Claim.DUPLICATE);

        assertThat(acceptances.claim(KEY, new Provenance("src", "ID:m1", null, false, true), Set.of()).claim())
                .isEqualTo(Claim.DUPLICATE);
        assertThat(claimants).containsExactly("ID:m1", "ID:m1", "ID:m1");
        assertThat(windows).containsOnly(Duration.ofHours(24));
    }

    @Test
    void threeFailedTriesFailTheDeliverySoThatTheBrokerRedeliversIt() {
        var acceptances = answering(null, null, null, Claim.CLAIMED);

        assertThatThrownBy(() -> acceptances.claim(KEY, new Provenance("src", "ID:m1", null), Set.of()).claim())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("try 3 of 3");
        assertThat(claimants).hasSize(Acceptances.TRIES);
    }

    /**
     * A message without an id cannot tell its own claim from another's: a try whose failure leaves open whether its
     * statement committed (a connection lost) is not tried again, so that the broker redelivers the message marked
     * redelivered, instead of a second try taking the first one's row for another message's and dropping the event.
     */
    @Test
    void anIdlessClaimWhoseCommitMayHaveHappenedIsNotTriedAgainButRedelivered() {
        var acceptances = failingWith("08006", Claim.DUPLICATE);

        assertThatThrownBy(() -> acceptances.claim(KEY, new Provenance("src", null, null), Set.of()).claim())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("try 1 of 3");
        assertThat(claimants).hasSize(1);
    }

    @Test
    void anIdlessClaimThatLostARaceIsTriedAgainAndFindsTheDuplicate() {
        var acceptances = failingWith("23505", Claim.DUPLICATE);

        assertThat(acceptances.claim(KEY, new Provenance("src", null, null), Set.of()).claim()).isEqualTo(Claim.DUPLICATE);
        assertThat(claimants).containsExactly(null, null);
    }

    @Test
    void aClaimWithAnIdIsTriedAgainWhateverTheFailureForItFindsItsOwnRow() {
        var acceptances = failingWith("08006", Claim.CLAIMED);

        assertThat(acceptances.claim(KEY, new Provenance("src", "ID:m1", null), Set.of()).claim()).isEqualTo(Claim.CLAIMED);
        assertThat(claimants).containsExactly("ID:m1", "ID:m1");
    }

    /** An Acceptances whose first try fails with this SQL state and whose next tries answer {@code then}. */
    private Acceptances failingWith(String sqlState, Claim then) {
        var failed = new boolean[1];
        var acceptances = new Acceptances() {
            @Override
            Acceptance claimedOnce(AcceptanceKey key, String claimant, boolean redelivered, Instant now,
                    Instant windowStart, Collection<UUID> numbered, Dispatched dispatched) throws SQLException {
                claimants.add(claimant);
                if (!failed[0]) {
                    failed[0] = true;
                    throw new SQLException("the first try fails", sqlState);
                }
                return Acceptance.of(then);
            }
        };
        acceptances.window = Duration.ofHours(24);
        return acceptances;
    }

    /** An Acceptances whose tries are answered with these claims (null: the try failed, as on a lost race). */
    private Acceptances answering(Claim... answers) {
        var left = new LinkedList<>(Arrays.asList(answers)); // holds nulls, unlike ArrayDeque
        var acceptances = new Acceptances() {
            @Override
            Acceptance claimedOnce(AcceptanceKey key, String claimant, boolean redelivered, Instant now,
                    Instant windowStart, Collection<UUID> numbered, Dispatched dispatched) throws SQLException {
                claimants.add(claimant);
                windows.add(Duration.between(windowStart, now));
                Claim claim = left.poll();
                if (claim == null) {
                    throw new SQLException("Unique index or primary key violation", "23505");
                }
                return Acceptance.of(claim);
            }
        };
        acceptances.window = Duration.ofHours(24);
        return acceptances;
    }
}
