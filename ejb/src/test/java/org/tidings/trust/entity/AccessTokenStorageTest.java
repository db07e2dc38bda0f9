package org.tidings.trust.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidings.platform.TestDatabase;

/** A token as stored (H2 with the migrations' schema, through Hibernate as in the container). */
class AccessTokenStorageTest {

    private final TestDatabase database = TestDatabase.migrated("access-token");
    private SessionFactory sessions;

    @BeforeEach
    void schema() {
        sessions = database.sessions(AccessToken.class);
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    /**
     * The minute's last-use write (Tokens.used) reads a token, and a revocation may commit before it writes: the write
     * must not put back the revoked_at it read.
     */
    @Test
    void aLastUseWrittenAfterARevocationItDidNotSeeKeepsTheRevocation() {
        var token = new AccessToken("tdg_abcd", "hash", PrincipalKind.SUBSCRIBER, UUID.randomUUID(), "leaked",
                Instant.parse("2026-12-06T00:00:00Z"), null);
        inOne(session -> session.persist(token));

        try (Session use = sessions.openSession()) {
            use.beginTransaction();
            AccessToken readBefore = use.find(AccessToken.class, token.id());
            inOne(session -> session.find(AccessToken.class, token.id()).revoke(Instant.parse("2026-12-06T00:01:00Z")));
            readBefore.used(Instant.parse("2026-12-06T00:00:59Z"));
            use.getTransaction().commit();
        }

        try (Session read = sessions.openSession()) {
            AccessToken stored = read.find(AccessToken.class, token.id());
            assertThat(stored.revoked()).as("still revoked").isTrue();
            assertThat(stored.lastUsedAt()).isEqualTo(Instant.parse("2026-12-06T00:00:59Z"));
        }
    }

    private void inOne(Consumer<Session> work) {
        try (Session session = sessions.openSession()) {
            session.beginTransaction();
            work.accept(session);
            session.getTransaction().commit();
        }
    }
}
