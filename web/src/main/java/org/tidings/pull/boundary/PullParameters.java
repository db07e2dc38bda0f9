package org.tidings.pull.boundary;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;

/**
 * The query of a feed read, checked: every refusal is invalid-request (400) naming the parameter. A missing
 * position means "from the oldest entry kept"; a missing limit {@value #DEFAULT_LIMIT}; a missing wait no wait.
 */
final class PullParameters {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    /** The longest long-poll: well under the idle timeouts of common proxies and load balancers. */
    static final Duration MAX_WAIT = Duration.ofSeconds(30);
    /** Longer texts are refused before they are parsed. */
    private static final int MAX_CHARS = 20;

    private PullParameters() {
    }

    /**
     * A position: a sequence number from 0 up, or null if {@code value} is absent.
     *
     * @param name the parameter or header, for the refusal
     */
    static Long position(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            long position = value.length() > MAX_CHARS ? -1 : Long.parseLong(value);
            if (position >= 0) {
                return position;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new TidingsException(ErrorCode.INVALID_REQUEST, name + " must be a sequence number from 0 up");
    }

    static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = value.length() > MAX_CHARS ? 0 : Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new TidingsException(ErrorCode.INVALID_REQUEST, "limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    /**
     * How long to wait for a first notification: whole seconds ("20") or an ISO-8601 duration ("PT20S"), rounded up to
     * whole milliseconds. The wait is given to JAX-RS in milliseconds, where 0 means no timeout: a hostile review found
     * that "PT0.0001S" suspended a long-poll for ever, holding its place among the waiting clients after its client
     * had gone.
     */
    static Duration waiting(String value) {
        if (value == null || value.isEmpty()) {
            return Duration.ZERO;
        }
        Duration wait = null;
        if (value.length() <= MAX_CHARS) {
            try {
                wait = value.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(value))
                        : Duration.parse(value);
            } catch (NumberFormatException | DateTimeParseException e) {
                // refused below
            }
        }
        if (wait == null || wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, "wait must be seconds or an ISO-8601 duration "
                    + "(PT20S) from 0 to " + MAX_WAIT.toSeconds() + " seconds");
        }
        long millis = wait.toMillis();
        return Duration.ofMillis(wait.minusMillis(millis).isZero() ? millis : millis + 1);
    }
}
