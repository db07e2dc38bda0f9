package org.tidings.platform;

import jakarta.ejb.ApplicationException;

/** A failure the caller caused and can be told about: it carries a stable {@link ErrorCode}. */
@ApplicationException(rollback = true)
public class TidingsException extends RuntimeException {

    private final ErrorCode code;

    public TidingsException(ErrorCode code, String detail) {
        super(detail);
        this.code = code;
    }

    public TidingsException(ErrorCode code, String detail, Throwable cause) {
        super(detail, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static TidingsException notFound(String what, Object id) {
        return new TidingsException(ErrorCode.NOT_FOUND, what + " " + id + " does not exist");
    }
}
