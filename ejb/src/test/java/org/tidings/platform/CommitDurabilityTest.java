package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit on the embedded H2 database survives a kill -9 of the process that made it, the instant the commit
 * returned: with the default URL Tidings ships, and with any H2 URL once {@link CommitDurability#ensure} ran (what
 * {@link SchemaMigration} does at start-up). With H2's own default (WRITE_DELAY 500 ms) the row is lost: bench/crash
 * lost a parked webhook notification that way.
 */
class CommitDurabilityTest {

    @TempDir
    Path work;

    @Test
    void theShippedDefaultUrlKeepsACommitThroughKillDashNine() throws Exception {
        String url = shippedDefaultUrl().replace("./data/db/tidings", work.resolve("db/tidings").toString());

        assertThat(rowsAfterKillingTheCommitter(url, "as-is")).isEqualTo(1);
    }

    @Test
    void anyH2UrlKeepsACommitThroughKillDashNineOnceEnsured() throws Exception {
        String url = "jdbc:h2:file:" + work.resolve("db/tidings") + ";DB_CLOSE_ON_EXIT=FALSE";

        assertThat(rowsAfterKillingTheCommitter(url, "ensure")).isEqualTo(1);
    }

    @Test
    void ensureSetsTheWriteDelayToZero() throws SQLException {
        try (var connection = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("db/tidings"), "tidings",
                "tidings")) {
            assertThat(CommitDurability.writeDelay(connection)).isEqualTo(500); // H2's own default

            CommitDurability.ensure(connection);

            assertThat(CommitDurability.writeDelay(connection)).isZero();
        }
    }

    @Test
    void aUserWhoIsNotAnH2AdminIsToldSoAndNotToAddTheSettingToTheUrl() throws SQLException {
        String url = "jdbc:h2:file:" + work.resolve("db/tidings");
        try (var admin = DriverManager.getConnection(url, "tidings", "tidings")) {
            admin.createStatement().execute("CREATE USER app PASSWORD 'app'");
            try (var app = DriverManager.getConnection(url, "app", "app")) {
                assertThatThrownBy(() -> CommitDurability.ensure(app)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("tidings.db.user must be an admin").hasMessageNotContaining(";WRITE_DELAY=0");
            }
            // what the advice to add the setting to the URL would have led to: no connection at all
            assertThatThrownBy(() -> DriverManager.getConnection(url + ";WRITE_DELAY=0", "app", "app"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("Admin rights are required");
        }
    }

    private static String shippedDefaultUrl() throws IOException {
        var properties = new Properties();
        try (InputStream in = CommitDurability.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            properties.load(in);
        }
        return properties.getProperty("tidings.db.url");
    }

    /** Starts a process that commits one row, kills it (SIGKILL) once it says so, and counts the rows left. */
    private static long rowsAfterKillingTheCommitter(String url, String mode) throws Exception {
        Process committer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CommittingProcess.class.getName(), url, mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var out = new BufferedReader(new InputStreamReader(committer.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo(CommittingProcess.COMMITTED);
        } finally {
            committer.destroyForcibly();
            assertThat(committer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (var connection = DriverManager.getConnection(url, "tidings", "tidings");
                var rows = connection.createStatement().executeQuery(
                        "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'MARK'")) {
            rows.next();
            if (rows.getLong(1) == 0) {
                return 0; // the table itself was lost with the commit
            }
        }
        try (var connection = DriverManager.getConnection(url, "tidings", "tidings");
                var rows = connection.createStatement().executeQuery("SELECT COUNT(*) FROM mark")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
