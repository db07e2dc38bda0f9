package org.tidings.delivery.webhook;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When the attempts of one delivery happen: a list of delays where the i-th entry is the wait before attempt i (the
 * first entry is the wait before the first attempt), so a schedule of n entries allows n attempts. The global one
 * ({@code tidings.delivery.retry-schedule}) is written comma-separated such as {@value #DEFAULT}, with units ms, s,
 * m and h ({@link #parse}); a sink's own is a list of ISO-8601 durations such as {@code ["PT0S","PT5S","PT5M"]}
 * ({@link #ofSteps}). Each wait is spread by up to ±10 % at random, so deliveries that failed together do not all
 * return together; a wait of zero stays zero. Immutable.
 */
public final class RetrySchedule {

    /** Immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about 27.6 hours. */
    public static final String DEFAULT = "0s,5s,5m,30m,2h,5h,10h,10h";

    /** The most entries a sink's own schedule may have. */
    public static final int MAX_STEPS = 20;
    /** The longest wait a sink's own schedule may name. */
    public static final Duration LONGEST_STEP = Duration.ofDays(7);
    /** No ISO-8601 duration up to {@link #LONGEST_STEP} needs more ("PT167H59M59.999999999S" has 22). */
    private static final int STEP_CHARS = 40;

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

    /**
     * A sink's own schedule from ISO-8601 durations ({@link Duration#parse}); its {@link #toString} is the canonical
     * form, the durations as {@link Duration#toString} writes them, comma-separated (at most 459 characters).
     *
     * @throws IllegalArgumentException if there is no step or more than {@value #MAX_STEPS}, or a step is null, not
     *         an ISO-8601 duration, negative or longer than 7 days ({@link #LONGEST_STEP})
     */
    public static RetrySchedule ofSteps(List<String> steps) {
        if (steps == null || steps.isEmpty() || steps.size() > MAX_STEPS) {
            throw new IllegalArgumentException("a retry schedule is a list of 1 to " + MAX_STEPS
                    + " ISO-8601 durations, e.g. [\"PT0S\",\"PT5S\",\"PT5M\"]");
        }
        List<Duration> delays = new ArrayList<>();
        for (String step : steps) {
            delays.add(step(step));
        }
        String canonical = String.join(",", delays.stream().map(Duration::toString).toList());
        return new RetrySchedule(canonical, List.copyOf(delays));
    }

    private static Duration step(String step) {
        if (step == null || step.length() > STEP_CHARS) {
            throw new IllegalArgumentException("not an ISO-8601 duration in the retry schedule: "
                    + (step == null ? "null" : step.substring(0, STEP_CHARS) + "..."));
        }
        Duration delay;
        try {
            delay = Duration.parse(step);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 duration in the retry schedule: '" + step
                    + "' (e.g. PT0S, PT5S, PT5M, PT2H)");
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a wait in the retry schedule is negative: " + step);
        }
        if (delay.compareTo(LONGEST_STEP) > 0) {
            throw new IllegalArgumentException("a wait in the retry schedule exceeds " + LONGEST_STEP + ": " + step);
        }
        return delay;
    }

    /** The waits before each attempt, without jitter, in the form {@link #ofSteps} reads. */
    public List<String> steps() {
        return delays.stream().map(Duration::toString).toList();
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

    /** The spec this schedule was parsed from ({@link #parse}), or its canonical form ({@link #ofSteps}). */
    @Override
    public String toString() {
        return spec;
    }
}
