package org.tidings.delivery.webhook;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one webhook attempt ended.
 *
 * @param status the HTTP status, 0 when there was no HTTP answer
 * @param answer what the receiver answered (status and the start of the body) or why there was no answer (the
 *        error's class and message), printable and at most {@value #ANSWER_LIMIT} characters; never the request's
 *        headers
 * @param retryAfter the receiver's Retry-After on 429 and 503, at most 24 hours
 * @param took from the start of the send until the answer or the failure
 */
public record Attempt(Result result, int status, String answer, Optional<Duration> retryAfter, Duration took) {

    public static final int ANSWER_LIMIT = 500;

    public enum Result {
        /** A 2xx answer. */
        DELIVERED,
        /** Any other answer, a timeout or a connection failure: try again later. */
        RETRY,
        /** 410 Gone: the receiver asks to stop; the sink is to be disabled. */
        GONE,
        /** Nothing was sent: the address policy refused the target, or the call cannot be sent as configured. */
        REFUSED
    }

    public Attempt {
        Objects.requireNonNull(result, "result");
        answer = printable(answer == null ? "" : answer);
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(took, "took");
    }

    /** Control characters become spaces; longer texts are cut (never inside a surrogate pair). */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), ANSWER_LIMIT));
        for (int i = 0; i < text.length() && out.length() < ANSWER_LIMIT; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (out.length() > 0 && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
            out.setLength(out.length() - 1);
        }
        return out.toString().strip();
    }
}
