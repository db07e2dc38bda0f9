package org.tidings.sinks.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.webhook.Sealer;
import org.tidings.platform.TestDatabase;

/** A purge sink's settings and a webhook sink's credentials on the schema of the migrations (H2, through Hibernate as in the container). */
class SinkStorageTest {

    private final TestDatabase database = TestDatabase.migrated("sinks");
    private SessionFactory sessions;

    @BeforeEach
    void schema() {
        sessions = database.sessions(Sink.class);
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    private PurgeSettings storedAndReadBack(PurgeSettings settings) {
        Sink sink = Sink.purge("varnish", settings, null, null, Instant.now());
        try (Session session = sessions.openSession()) {
            session.beginTransaction();
            session.persist(sink);
            session.getTransaction().commit();
        }
        try (Session session = sessions.openSession()) {
            return session.find(Sink.class, sink.id()).purgeSettings();
        }
    }

    @Test
    void aPurgeSinkKeepsItsKeyHeaderAndMethodAndASinkWithoutThemHasNone() {
        List<URI> caches = List.of(URI.create("http://127.0.0.1:6081"), URI.create("https://cache.example.com"));
        var withKeys = PurgeSettings.of(caches, null, null, null, "xkey-purge", "XKEYPURGE");
        assertThat(storedAndReadBack(withKeys)).isEqualTo(withKeys);
        var without = PurgeSettings.of(caches, "PURGE", "BAN", "X-Ban-Prefix", null, null);
        assertThat(storedAndReadBack(without)).isEqualTo(without);
        assertThat(storedAndReadBack(without).keyHeader()).isNull();
    }

    @Test
    void aRowStoredBeforeARuleWasTightenedIsShownAsStoredButNotUsed() throws SQLException {
        var settings = PurgeSettings.of(List.of(URI.create("http://127.0.0.1:6081")), null, null, "X-Ban", null, null);
        Sink sink = Sink.purge("old", settings, null, null, Instant.now());
        try (Session session = sessions.openSession()) {
            session.beginTransaction();
            session.persist(sink);
            session.getTransaction().commit();
        }
        try (var db = database.connection(); var update = db.prepareStatement(
                "UPDATE sink SET ban_header = 'Host' WHERE id = ?")) { // what an older version let through
            update.setObject(1, sink.id());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        try (Session session = sessions.openSession()) {
            Sink old = session.find(Sink.class, sink.id());
            assertThatThrownBy(old::purgeSettings).isInstanceOf(IllegalArgumentException.class);
            assertThat(old.storedPurge()).isEqualTo(new Sink.StoredPurge(List.of("http://127.0.0.1:6081"), "PURGE",
                    "BAN", "Host", null, null));
        }
    }

    @Test
    void aWebhookSinksCredentialsAreStoredSealedAndCanBeRemoved() throws SQLException {
        var sealer = new Sealer(new byte[32]);
        var credentials = ReceiverCredentials.header("X-Api-Key", "k-" + "9".repeat(4000));
        Sink sink = Sink.webhook("hook", "http://127.0.0.1:9/hook", sealer.seal("whsec_x"), null, null,
                Instant.now());
        sink.authenticateWith(credentials.type(),
                sealer.seal(credentials.plaintext(), sink.credentialsContext(credentials.type())));
        try (Session session = sessions.openSession()) {
            session.beginTransaction();
            session.persist(sink);
            session.getTransaction().commit();
        }
        try (var db = database.connection(); var select = db.prepareStatement(
                "SELECT auth_type, auth FROM sink WHERE id = ?")) {
            select.setObject(1, sink.id());
            try (var row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo("HEADER");
                assertThat(row.getString(2)).startsWith("v1:").doesNotContain("X-Api-Key").doesNotContain("9999");
            }
        }
        try (Session session = sessions.openSession()) {
            Sink stored = session.find(Sink.class, sink.id());
            assertThat(stored.authType()).isEqualTo(ReceiverCredentials.Type.HEADER);
            assertThat(ReceiverCredentials.headerOf(
                    sealer.open(stored.sealedAuth(), stored.credentialsContext(stored.authType()))))
                    .isEqualTo(Map.of("X-Api-Key", credentials.headerValue()));
            session.beginTransaction();
            stored.authenticateWith(null, null);
            session.getTransaction().commit();
        }
        try (Session session = sessions.openSession()) {
            Sink stored = session.find(Sink.class, sink.id());
            assertThat(stored.authType()).isNull();
            assertThat(stored.sealedAuth()).isNull();
        }
    }

    @Test
    void credentialsHaveATypeAndASealedValueOrNeither() {
        Sink sink = Sink.webhook("hook", "http://127.0.0.1:9/hook", "v1:x", null, null, Instant.now());
        assertThatThrownBy(() -> sink.authenticateWith(ReceiverCredentials.Type.BASIC, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sink.authenticateWith(null, "v1:x")).isInstanceOf(IllegalArgumentException.class);
    }
}
