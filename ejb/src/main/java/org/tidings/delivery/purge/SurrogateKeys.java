package org.tidings.delivery.purge;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;

/**
 * The {@value #EXTENSION} CloudEvents extension: the surrogate keys (cache tags) an event invalidates, a string of keys
 * separated by spaces (U+0020; leading, trailing and repeated spaces are ignored). A key is 1 to
 * {@value #MAX_KEY_CHARS} visible ASCII characters (no space, no control character, nothing outside ASCII), so that
 * the keys go into one HTTP header as they are; an event names at most {@value #MAX_KEYS} keys. Ingest refuses any
 * other value, and a purge sink with a key header sends the keys in it (docs/adr/0014).
 */
public final class SurrogateKeys {

    public static final String EXTENSION = "tidingskeys";
    public static final int MAX_KEYS = 64;
    public static final int MAX_KEY_CHARS = 256;

    private SurrogateKeys() {
    }

    /**
     * The keys of a {@value #EXTENSION} value in their order, each once; none for a value of spaces only.
     *
     * @throws TidingsException {@link ErrorCode#MALFORMED_EVENT} for a character that is neither a space nor visible
     *     ASCII, {@link ErrorCode#ATTRIBUTE_TOO_LONG} for a key longer than {@value #MAX_KEY_CHARS} characters or more
     *     than {@value #MAX_KEYS} keys
     */
    public static List<String> of(String value) {
        Set<String> keys = new LinkedHashSet<>();
        int count = 0;
        int start = -1;
        for (int i = 0; i <= value.length(); i++) {
            char c = i == value.length() ? ' ' : value.charAt(i);
            if (c != ' ' && (c < 0x21 || c > 0x7e)) {
                throw new TidingsException(ErrorCode.MALFORMED_EVENT, EXTENSION + " must be keys of visible ASCII "
                        + "characters separated by spaces; character " + (i + 1) + " is U+"
                        + String.format("%04X", (int) c));
            }
            if (c != ' ' && start < 0) {
                start = i;
            } else if (c == ' ' && start >= 0) {
                if (++count > MAX_KEYS) {
                    throw new TidingsException(ErrorCode.ATTRIBUTE_TOO_LONG, EXTENSION + " names more than "
                            + MAX_KEYS + " keys");
                }
                if (i - start > MAX_KEY_CHARS) {
                    throw new TidingsException(ErrorCode.ATTRIBUTE_TOO_LONG, EXTENSION + " key " + count
                            + " is longer than its limit of " + MAX_KEY_CHARS + " characters");
                }
                keys.add(value.substring(start, i));
                start = -1;
            }
        }
        return new ArrayList<>(keys);
    }
}
