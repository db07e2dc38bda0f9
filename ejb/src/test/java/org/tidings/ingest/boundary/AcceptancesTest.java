package org.tidings.ingest.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ejb.SessionContext;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidings.ingest.entity.AcceptanceKey;
import org.tidings.ingest.entity.Claim;
import org.tidings.ingest.entity.Provenance;

/** The claim's tries: a try that lost a race on the key is tried again; three lost tries fail the delivery. */
class AcceptancesTest {

    private static final AcceptanceKey KEY = AcceptanceKey.of("https://mail.example.com/store", "42");

    private final List<String> claimants = new ArrayList<>();
    private final List<Duration> windows = new ArrayList<>();

    @Test
    void aTryThatLostTheRaceIsTriedAgainAndFindsTheDuplicate() {
        var acceptances = answering(null, null, Claim.DUPLICATE);

        assertThat(acceptances.claim(KEY, new Provenance("src", "ID:m1", null, false, true)))
                .isEqualTo(Claim.DUPLICATE);
        assertThat(claimants).containsExactly("ID:m1", "ID:m1", "ID:m1");
        assertThat(windows).containsOnly(Duration.ofHours(24));
    }

    @Test
    void threeFailedTriesFailTheDeliverySoThatTheBrokerRedeliversIt() {
        var acceptances = answering(null, null, null, Claim.CLAIMED);

        assertThatThrownBy(() -> acceptances.claim(KEY, new Provenance("src", "ID:m1", null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("3 tries");
        assertThat(claimants).hasSize(Acceptances.TRIES);
    }

    /** An Acceptances whose own business object answers the tries with these claims (null: the try failed). */
    private Acceptances answering(Claim... answers) {
        var left = new LinkedList<>(Arrays.asList(answers)); // holds nulls, unlike ArrayDeque
        var self = new Acceptances() {
            @Override
            public Claim claimedOnce(AcceptanceKey key, String claimant, boolean redelivered, Instant now,
                    Instant windowStart) {
                claimants.add(claimant);
                windows.add(Duration.between(windowStart, now));
                return left.isEmpty() ? null : left.poll();
            }
        };
        var acceptances = new Acceptances();
        acceptances.window = Duration.ofHours(24);
        acceptances.context = (SessionContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SessionContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getBusinessObject")) {
                        return self;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return acceptances;
    }
}
