package org.tidings.trust.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.trust.entity.PrincipalKind;

class TokenIndexTest {

    private final TokenIndex index = new TokenIndex();

    private static Identity identity(UUID token) {
        return new Identity(token, PrincipalKind.SOURCE, UUID.randomUUID(), Set.of("source"), null);
    }

    @Test
    void aPresentTokenIsFoundByItsHashAndAnAbsentOneNoLonger() {
        UUID token = UUID.randomUUID();
        index.present("h1", identity(token));
        assertThat(index.identity("h1").tokenId()).isEqualTo(token);
        assertThat(index.byTokenId(token)).isEqualTo(index.identity("h1"));
        index.absent(token);
        assertThat(index.identity("h1")).isNull();
        assertThat(index.byTokenId(token)).isNull();
        index.absent(UUID.randomUUID()); // unknown: nothing happens
        assertThat(index.size()).isZero();
    }

    @Test
    void aReloadKeepsExactlyTheGivenTokens() {
        UUID kept = UUID.randomUUID();
        UUID dropped = UUID.randomUUID();
        index.present("kept", identity(kept));
        index.present("dropped", identity(dropped));
        index.replaced(Map.of("kept", identity(kept), "new", identity(UUID.randomUUID())));
        assertThat(index.identity("dropped")).isNull();
        assertThat(index.identity("kept")).isNotNull();
        assertThat(index.identity("new")).isNotNull();
        index.absent(dropped);
        assertThat(index.size()).isEqualTo(2);
    }

    @Test
    void anIdentityExpiresAtItsInstantAndNamesItsPrincipal() {
        Instant at = Instant.parse("2026-12-01T12:00:00Z");
        UUID principal = UUID.randomUUID();
        var identity = new Identity(UUID.randomUUID(), PrincipalKind.ADMINISTRATOR, principal, Set.of("admin"), at);
        assertThat(identity.expired(at.minusMillis(1))).isFalse();
        assertThat(identity.expired(at)).isTrue();
        assertThat(identity.name()).isEqualTo("administrator:" + principal);
        assertThat(Identity.principalOf(identity.name(), PrincipalKind.ADMINISTRATOR)).isEqualTo(principal);
        assertThat(Identity.principalOf(identity.name(), PrincipalKind.SOURCE)).isNull();
        assertThat(Identity.principalOf("source:not-a-uuid", PrincipalKind.SOURCE)).isNull();
    }

    /** A reload (the change log no longer reaching back) must not refuse, even for a moment, a token valid throughout. */
    @Test
    void aTokenValidBeforeAndAfterAReloadIsFoundDuringIt() throws Exception {
        UUID token = UUID.randomUUID();
        Identity valid = identity(token);
        index.present("valid", valid);
        var done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reloads = new Thread(() -> {
            for (int i = 0; i < 20_000; i++) {
                index.replaced(Map.of("valid", valid, "other" + i, identity(UUID.randomUUID())));
            }
            done.set(true);
        });
        reloads.start();
        long refused = 0;
        while (!done.get()) {
            if (index.identity("valid") == null) {
                refused++;
            }
        }
        reloads.join();
        assertThat(refused).as("lookups that found no identity while reloads ran").isZero();
        assertThat(index.size()).isEqualTo(2);
    }
}
