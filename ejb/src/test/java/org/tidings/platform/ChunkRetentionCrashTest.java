package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/adr/0013, "The chunks' cost per commit": a shorter {@code RETENTION_TIME} lets H2 overwrite the space of dead
 * chunks sooner. Writers commit as fast as they can for longer than 1 s, the process is killed (SIGKILL) in the middle
 * of the commits, three times, and after each kill the database must open with every commit the process reported and
 * the counters consistent with the rows; with the shipped setting (45 s) and with the 1 s the README offers. That the
 * 1 s run did reuse space is checked too: after the first kill its file holds fewer bytes per commit than the 45 s
 * one's (measured: about half). A smoke test of the process-crash case, not a proof (the ADR says what it leaves open).
 */
class ChunkRetentionCrashTest {

    static final int WRITERS = 4;
    static final long COMMITTING_MILLIS = 3_000;

    @TempDir
    Path work;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void everyReturnedCommitSurvivesKillDashNineWithEitherRetention() throws Exception {
        double shipped = bytesPerCommitAfterChurningAndKilling(work.resolve("shipped"), "");
        double short1s = bytesPerCommitAfterChurningAndKilling(work.resolve("one-second"), ";RETENTION_TIME=1000");

        assertThat(short1s).as("bytes per commit with 1 s (%.0f) against 45 s (%.0f): space was reused", short1s, shipped)
                .isLessThan(shipped * 0.85);
    }

    /** Three rounds of churning and killing on a fresh database; the file's bytes per commit after the first. */
    private static double bytesPerCommitAfterChurningAndKilling(Path dir, String options) throws Exception {
        Path file = dir.resolve("tidings.mv.db");
        String url = "jdbc:h2:file:" + dir.resolve("tidings") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0" + options;
        double bytesPerCommit = 0;
        for (int kill = 1; kill <= 3; kill++) {
            Map<Integer, Long> last = churnAndKill(url);
            long commits = last.values().stream().mapToLong(Long::longValue).sum();
            if (kill == 1) {
                bytesPerCommit = (double) Files.size(file) / commits;
            }
            assertThat(last).as("every writer reported commits (kill %d, %s)", kill, options).hasSize(WRITERS);
            try (var connection = DriverManager.getConnection(url, "tidings", "tidings");
                    var statement = connection.createStatement()) {
                for (var reported : last.entrySet()) {
                    // every commit it reported, and every one before (a writer commits one at a time)
                    assertThat(countOf(statement, "SELECT COUNT(*) FROM churn WHERE writer = " + reported.getKey()
                            + " AND number <= " + reported.getValue()))
                            .as("kill %d, writer %d, %s", kill, reported.getKey(), options)
                            .isEqualTo(reported.getValue());
                }
                assertThat(countOf(statement, "SELECT COUNT(*) FROM churn c JOIN churn_counter k"
                        + " ON c.writer = k.writer AND c.number = k.number"))
                        .as("each counter names a row of its writer (kill %d, %s)", kill, options)
                        .isEqualTo(countOf(statement, "SELECT COUNT(*) FROM churn_counter"));
                statement.execute("DELETE FROM churn"); // the next process numbers from 1 again
                statement.execute("DELETE FROM churn_counter");
            }
        }
        return bytesPerCommit;
    }

    private static long countOf(Statement statement, String sql) throws Exception {
        try (var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * Runs {@link ChurningProcess} until it has committed for {@link #COMMITTING_MILLIS} (from its first report, so a
     * slow start does not shorten it), kills it while it runs, and gives each writer's last reported commit.
     */
    private static Map<Integer, Long> churnAndKill(String url) throws Exception {
        Process churner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ChurningProcess.class.getName(), url,
                String.valueOf(WRITERS)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<Integer, Long> last = new HashMap<>();
        boolean killed = false;
        try (var out = new BufferedReader(new InputStreamReader(churner.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = 0;
            String line;
            while ((line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                last.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                if (deadline == 0) {
                    deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COMMITTING_MILLIS);
                } else if (System.nanoTime() > deadline) {
                    assertThat(churner.isAlive()).as("the churning process still commits when it is killed").isTrue();
                    churner.destroyForcibly(); // SIGKILL, while the writers commit
                    killed = true;
                    break;
                }
            }
        } finally {
            churner.destroyForcibly();
            assertThat(churner.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(killed).as("the churning process was killed, it did not end by itself").isTrue();
        assertThat(churner.exitValue()).as("ended by SIGKILL").isEqualTo(128 + 9);
        return last;
    }
}
