package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/adr/0013, "The chunks' cost per commit": a shorter {@code RETENTION_TIME} lets H2 overwrite the space of dead
 * chunks sooner, which H2 documents as a risk on a power failure; a kill -9 of the process must still keep every
 * commit that returned. Writers commit as fast as they can for longer than the retention (so that freed chunks are
 * overwritten while they run), the process is killed (SIGKILL) three times, each time in the middle of the commits,
 * and after each kill the database must open with every commit the process reported and the counters consistent with
 * the rows. Run for the shipped setting (45 s) and for the 1 s that the README offers.
 */
class ChunkRetentionCrashTest {

    static final int WRITERS = 4;

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {"", ";RETENTION_TIME=1000"})
    void everyReturnedCommitSurvivesKillDashNineWhileChunksAreReused(String options) throws Exception {
        String url = "jdbc:h2:file:" + work.resolve("db/tidings") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0" + options;
        Map<Integer, Long> reported = new HashMap<>();
        for (int kill = 1; kill <= 3; kill++) {
            Map<Integer, Long> last = churnAndKill(url, 1_500 + 500L * kill);
            last.forEach((writer, number) -> reported.merge(writer, number, Math::max));

            try (var connection = DriverManager.getConnection(url, "tidings", "tidings");
                    var statement = connection.createStatement()) {
                for (int writer = 0; writer < WRITERS; writer++) {
                    long reportedLast = last.getOrDefault(writer, 0L);
                    // every commit it reported, and every one before (a writer commits one at a time)
                    assertThat(countOf(statement, "SELECT COUNT(*) FROM churn WHERE writer = " + writer
                            + " AND number <= " + reportedLast)).as("kill %d, writer %d", kill, writer)
                            .isEqualTo(reportedLast);
                }
                try (var rows = statement.executeQuery("SELECT COUNT(*) FROM churn c JOIN churn_counter k"
                        + " ON c.writer = k.writer AND c.number = k.number")) {
                    rows.next();
                    assertThat(rows.getLong(1)).as("each counter names a row of its writer (kill %d)", kill)
                            .isEqualTo(countOf(statement, "SELECT COUNT(*) FROM churn_counter"));
                }
                statement.execute("DELETE FROM churn"); // the next process numbers from 1 again
                statement.execute("DELETE FROM churn_counter");
            }
        }
        assertThat(reported.values()).as("commits reported by the killed processes").allMatch(n -> n > 100);
    }

    private static long countOf(java.sql.Statement statement, String sql) throws Exception {
        try (var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Runs {@link ChurningProcess} for about {@code millis}, kills it; each writer's last reported commit. */
    private static Map<Integer, Long> churnAndKill(String url, long millis) throws Exception {
        Process churner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ChurningProcess.class.getName(), url,
                String.valueOf(WRITERS)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<Integer, Long> last = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try (var out = new BufferedReader(new InputStreamReader(churner.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                last.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                if (System.nanoTime() > deadline) {
                    churner.destroyForcibly(); // SIGKILL, while the writers commit
                    break;
                }
            }
        } finally {
            churner.destroyForcibly();
            assertThat(churner.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(last).as("the churning process reported commits").isNotEmpty();
        return last;
    }
}
