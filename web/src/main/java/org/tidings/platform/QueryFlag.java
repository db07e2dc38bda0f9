package org.tidings.platform;

import java.util.Locale;

/**
 * A yes-or-no query parameter ({@code ?purge=true}): {@code true} or {@code false} in any case, absent for
 * {@code false}; anything else is 400 {@code invalid-request}. JAX-RS binds a {@code boolean} parameter with
 * {@code Boolean.valueOf}, which reads {@code ?endOverlap=1} or {@code =yes} as false without a word: after a leak,
 * the leaked secret went on signing for a day while the answer said nothing of it.
 */
public final class QueryFlag {

    private QueryFlag() {
    }

    public static boolean of(String name, String value) {
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new TidingsException(ErrorCode.INVALID_REQUEST,
                    "the query parameter " + name + " is true or false");
        };
    }
}
