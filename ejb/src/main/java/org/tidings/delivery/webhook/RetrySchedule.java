package org.tidings.delivery.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When the attempts of one delivery happen: a comma-separated list of delays such as {@value #DEFAULT}, where
 * the i-th entry is the wait before attempt i (the first entry is the wait before the first attempt). Units are
 * ms, s, m and h. Each wait is spread by up to ±10 % at random, so deliveries that failed together do not all
 * return together; a wait of zero stays zero. Immutable.
 */
public final class RetrySchedule {

    /** Immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about 27.6 hours. */
    public static final String DEFAULT = "0s,5s,5m,30m,2h,5h,10h,10h";

    private static final Pattern ENTRY = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Duration LONGEST = Duration.ofDays(365);
    private static final double JITTER = 0.1;

    private final String spec;
    private final List<Duration> delays;

    private RetrySchedule(String spec, List<Duration> delays) {
        this.spec = spec;
        this.delays = delays;
    }

    /**
     * @throws IllegalArgumentException if the spec is empty, an entry is not a whole number with a unit, or a
     *         delay exceeds 365 days
     */
    public static RetrySchedule parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("a retry schedule has at least one delay, e.g. " + DEFAULT);
        }
        List<Duration> delays = new ArrayList<>();
        for (String entry : spec.split(",", -1)) {
            Matcher m = ENTRY.matcher(entry.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a delay in the retry schedule: '" + entry.strip()
                        + "' (a whole number and ms, s, m or h, e.g. " + DEFAULT + ")");
            }
            long amount = Long.parseLong(m.group(1));
            Duration delay = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
            if (delay.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException("a delay in the retry schedule exceeds 365 days: " + entry.strip());
            }
            delays.add(delay);
        }
        return new RetrySchedule(spec, List.copyOf(delays));
    }

    public int attempts() {
        return delays.size();
    }

    /**
     * The wait before the given attempt, jittered by up to ±10 %; empty after the last attempt.
     *
     * @param attemptNumber 1 for the first attempt
     * @throws IllegalArgumentException if attemptNumber is below 1
     */
    public Optional<Duration> delayBefore(int attemptNumber, RandomGenerator random) {
        if (attemptNumber < 1) {
            throw new IllegalArgumentException("attempts are numbered from 1: " + attemptNumber);
        }
        if (attemptNumber > delays.size()) {
            return Optional.empty();
        }
        long nanos = delays.get(attemptNumber - 1).toNanos();
        double jitter = JITTER * random.nextDouble(-1.0, 1.0);
        return Optional.of(Duration.ofNanos(nanos + Math.round(nanos * jitter)));
    }

    /** The spec this schedule was parsed from. */
    @Override
    public String toString() {
        return spec;
    }
}
