package org.tidings.platform;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.hibernate.resource.jdbc.spi.StatementInspector;

/**
 * A test's own in-memory H2 database with Tidings' real schema (its Flyway migrations) and, once asked for, Hibernate
 * sessions with the real mappings of the entities the test names: what the ledger and feed tests need of the
 * application server's persistence unit, without the server.
 */
public final class TestDatabase implements AutoCloseable {

    private final String url;
    private SessionFactory sessions;

    private TestDatabase(String url) {
        this.url = url;
    }

    /** A new database, named after {@code name} and unique, migrated to the current schema. */
    public static TestDatabase migrated(String name) {
        return migratedTo(name, "latest");
    }

    /**
     * A new database, named after {@code name} and unique, migrated up to {@code version} ("11", or "latest"): for
     * a test that writes what an older version left, then {@link #migrate}s.
     */
    public static TestDatabase migratedTo(String name, String version) {
        var database = new TestDatabase("jdbc:h2:mem:" + name + "-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        database.migrateTo(version);
        return database;
    }

    /** Runs the migrations this database has not had yet. */
    public void migrate() {
        migrateTo("latest");
    }

    private void migrateTo(String version) {
        Flyway.configure(TestDatabase.class.getClassLoader()).dataSource(url, "sa", "")
                .locations("classpath:db/migration").target(version).load().migrate();
    }

    /** Hibernate sessions on this database, mapping these entities (times in UTC, as the application's unit does). */
    public SessionFactory sessions(Class<?>... entities) {
        return sessions(sql -> sql, entities);
    }

    /** {@link #sessions(Class[])}, with every SQL statement Hibernate sends shown to {@code inspector} first. */
    public SessionFactory sessions(StatementInspector inspector, Class<?>... entities) {
        var configuration = new Configuration().setStatementInspector(inspector);
        for (Class<?> entity : entities) {
            configuration.addAnnotatedClass(entity);
        }
        sessions = configuration.setProperty(AvailableSettings.JAKARTA_JDBC_URL, url)
                .setProperty(AvailableSettings.JAKARTA_JDBC_USER, "sa")
                .setProperty(AvailableSettings.JAKARTA_JDBC_PASSWORD, "")
                .setProperty(AvailableSettings.JDBC_TIME_ZONE, "UTC")
                .buildSessionFactory();
        return sessions;
    }

    /** A plain JDBC connection to this database, for what a test writes or reads beside Hibernate. */
    public Connection connection() throws SQLException {
        return DriverManager.getConnection(url, "sa", "");
    }

    /** True if a session of this database waits for another's lock (H2's INFORMATION_SCHEMA.SESSIONS.BLOCKER_ID). */
    public boolean aSessionIsBlocked() throws SQLException {
        try (Connection db = connection(); var blocked = db.createStatement().executeQuery(
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL")) {
            blocked.next();
            return blocked.getLong(1) > 0;
        }
    }

    /** Closes the sessions, if any, and drops the database. */
    @Override
    public void close() throws SQLException {
        if (sessions != null) {
            sessions.close();
        }
        try (Connection db = connection()) {
            db.createStatement().execute("SHUTDOWN");
        }
    }

    /** Binds a statement's parameter {@code index}, told the SQL left of its {@code ?}, lower case without spaces. */
    @FunctionalInterface
    public interface ParameterBinder {
        void bind(PreparedStatement statement, int index, String left) throws SQLException;
    }

    private static final Pattern SCAN_COUNT = Pattern.compile("scanCount: (\\d+)");

    /**
     * The rows H2 reads to run {@code sql} (summed over its tables), from EXPLAIN ANALYZE, which runs the statement:
     * for the scan tests, which show that a lookup reads a few rows rather than a table's backlog or history.
     */
    public long rowsRead(String sql, ParameterBinder binder) throws SQLException {
        try (Connection db = connection();
                var explain = db.prepareStatement("EXPLAIN ANALYZE " + sql)) {
            String[] parts = sql.split("\\?", -1);
            for (int i = 1; i < parts.length; i++) {
                binder.bind(explain, i, parts[i - 1].replace(" ", "").toLowerCase());
            }
            try (var plan = explain.executeQuery()) {
                plan.next();
                long read = 0;
                Matcher counts = SCAN_COUNT.matcher(plan.getString(1));
                while (counts.find()) {
                    read += Long.parseLong(counts.group(1));
                }
                return read;
            }
        }
    }
}
