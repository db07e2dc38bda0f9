package org.tidings.subscriptions.control;

/**
 * A scan that recognizes the common spellings already in {@link UriNormalizer}'s normal form, so that the events
 * of a busy pipeline (lower-case {@code https://host/path}, {@code mailto:user@host}, plain text) skip the full
 * rules. It is conservative: true means normalizing would return the text unchanged; false means only that the
 * full rules must decide. Text outside printable ASCII, with an escape, a port, userinfo, an IP literal, an
 * upper-case scheme or host, an A-label, a trailing dot or a dot segment always takes the full rules.
 * <p>
 * Every event's source and subject pass through here, so it reads each character about once: one pass checks the
 * characters and finds the scheme, a second walks the authority and path (or the address) after it. It compares
 * characters directly rather than through sets or {@code String.indexOf} of a character set.
 */
final class NormalFormCheck {

    private NormalFormCheck() {
    }

    static boolean isPlainlyNormal(String text) {
        int length = text.length();
        int schemeEnd = -1;
        boolean inScheme = true;
        boolean upperCaseScheme = false;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7F || c == '%' || (c == '-' && isALabelMark(text, i))) {
                return false;
            }
            if (inScheme) {
                if (c == ':') {
                    schemeEnd = i;
                    inScheme = false;
                } else if (c >= 'A' && c <= 'Z') {
                    upperCaseScheme = true;
                } else if (!(c >= 'a' && c <= 'z') && (i == 0 || !isSchemeOther(c))) {
                    inScheme = false;
                }
            }
        }
        if (schemeEnd < 0) {
            return true;
        }
        if (schemeEnd == 0 || upperCaseScheme) {
            return false;
        }
        if (text.startsWith("//", schemeEnd + 1)) {
            return isPlainlyNormalWithAuthority(text, schemeEnd);
        }
        if (text.startsWith("/", schemeEnd + 1)) {
            return !hasDotSegmentBeforeQuery(text, schemeEnd + 1);
        }
        return !isAddressScheme(text, schemeEnd) || isPlainlyNormalAddress(text, schemeEnd);
    }

    /** Whether the {@code -} at {@code i} ends {@code xn--}, the mark of an A-label (as {@code contains("xn--")}). */
    private static boolean isALabelMark(String text, int i) {
        return i >= 3 && text.charAt(i - 1) == '-' && text.charAt(i - 2) == 'n' && text.charAt(i - 3) == 'x';
    }

    /** A scheme character after the first other than a letter ({@code DIGIT / "+" / "-" / "."}). */
    private static boolean isSchemeOther(char c) {
        return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    }

    /** {@code scheme://host/path}: a lower-case host with no userinfo, port or trailing dot; no dot segments. */
    private static boolean isPlainlyNormalWithAuthority(String text, int schemeEnd) {
        int length = text.length();
        int hostStart = schemeEnd + 3;
        int hostEnd = hostStart;
        for (; hostEnd < length; hostEnd++) {
            char c = text.charAt(hostEnd);
            if (c == '/' || c == '?' || c == '#') {
                break;
            }
            if ((c >= 'A' && c <= 'Z') || c == '@' || c == ':' || c == '[') {
                return false;
            }
        }
        if (hostEnd == hostStart || text.charAt(hostEnd - 1) == '.') {
            return false;
        }
        if (hostEnd == length || text.charAt(hostEnd) != '/') {
            return !isEmptyPathSlashScheme(text, schemeEnd);
        }
        return !hasDotSegmentBeforeQuery(text, hostEnd);
    }

    /**
     * {@code mailto:user@host} and the like: nothing upper case from the first {@code @} of the address on (from the
     * colon on when the address has none, as an {@code @}-less SIP address is all host), no host ending in a dot.
     */
    private static boolean isPlainlyNormalAddress(String text, int schemeEnd) {
        int length = text.length();
        boolean sip = text.startsWith("sip");
        int hostsFrom = schemeEnd + 1;
        for (int i = schemeEnd + 1; i < length; i++) {
            char c = text.charAt(i);
            if (c == '?' || c == '#' || (sip && c == ';')) {
                break;
            }
            if (c == '@') {
                hostsFrom = i;
                break;
            }
        }
        for (int i = hostsFrom; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return false;
            }
            if (c == '.' && (i + 1 == length || isAfterHostEnd(text.charAt(i + 1)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAfterHostEnd(char c) {
        return c == '.' || c == ',' || c == ';' || c == '?' || c == '#' || c == ':';
    }

    /**
     * Whether the path from {@code from} up to its query or fragment may hold a dot segment: any {@code /.} there
     * (conservative).
     */
    private static boolean hasDotSegmentBeforeQuery(String text, int from) {
        int length = text.length();
        for (int i = from; i < length; i++) {
            char c = text.charAt(i);
            if (c == '?' || c == '#') {
                return false;
            }
            if (c == '/' && i + 1 < length && text.charAt(i + 1) == '.') {
                return true;
            }
        }
        return false;
    }

    /** {@code http}, {@code https}, {@code ws}, {@code wss}: schemes whose empty path is {@code /}. */
    private static boolean isEmptyPathSlashScheme(String text, int schemeEnd) {
        return switch (schemeEnd) {
            case 2 -> text.startsWith("ws");
            case 3 -> text.startsWith("wss");
            case 4 -> text.startsWith("http");
            case 5 -> text.startsWith("https");
            default -> false;
        };
    }

    /** {@code mailto}, {@code im}, {@code pres}, {@code sip}, {@code sips}: schemes whose addresses have hosts. */
    private static boolean isAddressScheme(String text, int schemeEnd) {
        return switch (schemeEnd) {
            case 2 -> text.startsWith("im");
            case 3 -> text.startsWith("sip");
            case 4 -> text.startsWith("pres") || text.startsWith("sips");
            case 6 -> text.startsWith("mailto");
            default -> false;
        };
    }
}
