package org.tidings.trust.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirstAdministratorTest {

    /** The database side of the first start: which token text the one administrator got, if this call created it. */
    private static final class Creation extends FirstAdministratorCreation {
        private final Runnable meanwhile;
        private final boolean wins;
        String created;

        Creation(boolean wins, Runnable meanwhile) {
            this.wins = wins;
            this.meanwhile = meanwhile;
        }

        @Override
        public boolean anyAdministrator() {
            return false;
        }

        @Override
        public boolean created(String text) {
            meanwhile.run();
            if (wins) {
                created = text;
            }
            return wins;
        }
    }

    /** How often a starting instance brought its token directory up to date. */
    private final java.util.concurrent.atomic.AtomicInteger catchUps = new java.util.concurrent.atomic.AtomicInteger();

    private FirstAdministrator starting(Creation creation, Path file) {
        var start = new FirstAdministrator();
        start.creation = creation;
        start.changes = new org.tidings.provisioning.boundary.CommittedChanges();
        start.tokens = new TokenDirectory() {
            @Override
            public void catchUp(org.tidings.provisioning.entity.CatchUp catchUp) {
                catchUps.incrementAndGet();
            }
        };
        start.configured = Optional.empty();
        start.tokenFile = file.toString();
        return start;
    }

    /**
     * Two instances start at once on an empty database with the same data directory: the second writes its token
     * and loses the race while the first is creating the administrator. The file must end up holding the winner's
     * token, the only way into the install.
     */
    @Test
    void theTokenFileHoldsTheWinnersTokenWhenTwoInstancesStartAtOnce(@TempDir Path data) throws Exception {
        Path file = data.resolve("admin-token");
        var loser = starting(new Creation(false, () -> { }), file);
        var winning = new Creation(true, loser::ensure);
        starting(winning, file).ensure();
        assertThat(file).exists();
        assertThat(Files.readString(file).strip()).isEqualTo(winning.created);
        assertThat(catchUps).as("each instance's token directory knows the token before its first request")
                .hasValue(2);
    }

    @Test
    void aSingleStartWritesItsTokenOwnerOnly(@TempDir Path data) throws Exception {
        Path file = data.resolve("admin-token");
        var creation = new Creation(true, () -> { });
        starting(creation, file).ensure();
        assertThat(Files.readString(file).strip()).isEqualTo(creation.created);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        try (var left = Files.list(data)) {
            assertThat(left).containsExactly(file);
        }
    }
}
