package org.tidings.bench.e2e;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Progress lines on stderr (bench/e2e shows them as they come); results on stdout, one line each. */
final class Report {

    private Report() {
    }

    static void progress(String format, Object... args) {
        System.err.printf("[e2e %s] %s%n", LocalTime.now().truncatedTo(ChronoUnit.SECONDS),
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
