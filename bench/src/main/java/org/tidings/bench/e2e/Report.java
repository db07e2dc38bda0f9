package org.tidings.bench.e2e;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress lines on stderr (bench/e2e shows them as they come); results on stdout, one line each. */
final class Report {

    /** Always with the seconds (LocalTime's own form drops ":00"): bench/e2e reads phases' times from these lines. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Report() {
    }

    static void progress(String format, Object... args) {
        System.err.printf("[e2e %s] %s%n", TIME.format(LocalTime.now()),
                String.format(format, args));
    }

    static void result(String format, Object... args) {
        System.out.printf(format + "%n", args);
        System.out.flush();
    }

    /** Events per second of {@code count} events over [startNanos, endNanos]. */
    static long perSecond(long count, long startNanos, long endNanos) {
        return endNanos <= startNanos ? 0 : Math.round(count * 1e9 / (endNanos - startNanos));
    }
}
