package org.tidings.platform;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * An instant in a query parameter ({@code ?from=2026-11-30T12:00:00Z}): absent or blank for none; an ISO-8601
 * instant within the years 1 to 9999 ({@link StorableInstant}); anything else is 400 {@code invalid-request}.
 */
public final class QueryInstant {

    private QueryInstant() {
    }

    public static Instant of(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            Instant instant = Instant.parse(value);
            if (!StorableInstant.Check.storable(instant)) {
                throw new TidingsException(ErrorCode.INVALID_REQUEST, name + " must be within the years 1 to 9999");
            }
            return instant;
        } catch (DateTimeParseException e) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, name + " must be an ISO-8601 instant such as "
                    + "2026-11-30T12:00:00Z");
        }
    }
}
