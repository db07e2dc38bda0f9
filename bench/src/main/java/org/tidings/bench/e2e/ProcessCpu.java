package org.tidings.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time a process has used so far (user + system, from /proc/<pid>/stat), so a phase can say how much CPU
 * the application server and the broker spent per event. Linux only; elsewhere, and without a pid, zero.
 */
record ProcessCpu(String name, long pid) {

    private static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

    /** CPU seconds used so far. */
    double seconds() {
        if (pid <= 0) {
            return 0;
        }
        try {
            return cpuSeconds(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * CPU seconds used so far by each of the JVM's JIT compiler threads alive now, by thread id (from
     * /proc/<pid>/task/<tid>/stat of the threads named {@code C1 CompilerThre...} or {@code C2 CompilerThre...}).
     * The difference of two such snapshots ({@link #jitSecondsBetween}) is what a JVM still compiling the code a phase
     * runs spent on that in the phase: a lower bound, as a compiler thread that ended meanwhile takes its time with it.
     */
    Map<Long, Double> jitThreads() {
        Map<Long, Double> threads = new HashMap<>();
        if (pid <= 0) {
            return threads;
        }
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        threads.put(Long.parseLong(task.getFileName().toString()), cpuSeconds(task.resolve("stat")));
                    }
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while listed
                }
            });
        } catch (IOException | RuntimeException e) {
            return threads;
        }
        return threads;
    }

    static double jitSecondsBetween(Map<Long, Double> before, Map<Long, Double> after) {
        double seconds = 0;
        for (var thread : after.entrySet()) {
            seconds += thread.getValue() - before.getOrDefault(thread.getKey(), 0.0);
        }
        return seconds;
    }

    /**
     * User + system seconds from a /proc stat file: the fields after the command name, which is in parentheses and may
     * hold spaces (state is field 3, utime field 14, stime field 15).
     */
    private static double cpuSeconds(Path stat) throws IOException {
        String line = Files.readString(stat);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }
}
