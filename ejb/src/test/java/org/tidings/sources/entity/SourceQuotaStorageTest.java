package org.tidings.sources.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Instant;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidings.platform.TestDatabase;

/** A source's own quota on the schema of the migrations (V21; H2, through Hibernate as in the container). */
class SourceQuotaStorageTest {

    private final TestDatabase database = TestDatabase.migrated("source-quota");
    private SessionFactory sessions;

    @BeforeEach
    void schema() {
        sessions = database.sessions(Source.class);
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void aSourceKeepsTheQuotaPartsItSetsAndHasTheDefaultsElsewhere() {
        Source plain = new Source("plain", "https://plain.example/", null, null, Instant.now());
        Source own = new Source("own", "https://own.example/", null, null, Instant.now());
        own.limitedTo(new SourceQuota(0.5, null, 1000L));

        assertThat(storedAndReadBack(plain).quota()).isEqualTo(SourceQuota.DEFAULTS);
        assertThat(storedAndReadBack(own).quota()).isEqualTo(new SourceQuota(0.5, null, 1000L));

        own.limitedTo(SourceQuota.DEFAULTS);
        assertThat(storedAndReadBack(own).quota().defaults()).isTrue();
    }

    @Test
    void aQuotaNoBucketCouldHaveIsRefused() {
        assertThatThrownBy(() -> new SourceQuota(0d, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourceQuota(Double.NaN, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourceQuota(null, 0L, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourceQuota(null, null, 0L)).isInstanceOf(IllegalArgumentException.class);
    }

    private Source storedAndReadBack(Source source) {
        try (Session session = sessions.openSession()) {
            session.beginTransaction();
            session.merge(source);
            session.getTransaction().commit();
        }
        try (Session session = sessions.openSession()) {
            return session.find(Source.class, source.id());
        }
    }
}
