package org.tidings.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3,
            // utime field 14, stime field 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
