package org.tidings.platform;

import jakarta.ejb.ApplicationException;
import java.time.Duration;

/** A failure the caller caused and can be told about: it carries a stable {@link ErrorCode}. */
@ApplicationException(rollback = true)
public class TidingsException extends RuntimeException {

    private final ErrorCode code;
    private final Duration retryAfter;

    public TidingsException(ErrorCode code, String detail) {
        this(code, detail, (Duration) null);
    }

    public TidingsException(ErrorCode code, String detail, Throwable cause) {
        super(detail, cause);
        this.code = code;
        this.retryAfter = null;
    }

    /** A refusal that knows when a retry can succeed (a quota's next token): HTTP says so in Retry-After. */
    public TidingsException(ErrorCode code, String detail, Duration retryAfter) {
        super(detail);
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public ErrorCode code() {
        return code;
    }

    /** When a retry can succeed, if this refusal knows it; else null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /**
     * The Retry-After of a 503 or 429 that knows no closer time: the broker's own reconnect takes about this long, and
     * it is long enough not to hammer.
     */
    public static final Duration DEFAULT_RETRY = Duration.ofSeconds(2);

    /** A wait as Retry-After gives it: whole seconds, rounded up, at least 1. */
    public static long retryAfterSeconds(Duration wait) {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    public static TidingsException notFound(String what, Object id) {
        return new TidingsException(ErrorCode.NOT_FOUND, what + " " + id + " does not exist");
    }
}
