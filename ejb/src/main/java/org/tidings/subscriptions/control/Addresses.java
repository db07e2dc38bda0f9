package org.tidings.subscriptions.control;

import java.util.List;

/**
 * The hosts of opaque addresses in the normal form of {@link UriNormalizer}: the part after {@code @} of each
 * address of a mailbox-style URI ({@code mailto}, {@code im}, {@code pres}: {@code mailto:a@X.COM,b@Y.COM}), the
 * part after {@code @} of a SIP URI or its whole {@code @}-less address ({@code sip:Example.COM}). A port after the
 * host is kept; user parts, parameters and headers keep their case.
 */
final class Addresses {

    private static final List<String> MAILBOX_SCHEMES = List.of("mailto", "im", "pres");
    private static final List<String> SIP_SCHEMES = List.of("sip", "sips");

    private Addresses() {
    }

    /** The address from the scheme's colon on with its hosts normalized; unchanged for other schemes. */
    static String normalizeAfterScheme(String scheme, String uri, int schemeEnd) {
        if (MAILBOX_SCHEMES.contains(scheme)) {
            return mailboxHosts(uri, schemeEnd);
        }
        long host = hostRange(uri, schemeEnd);
        return host < 0 ? uri.substring(schemeEnd) : uri.substring(schemeEnd, (int) (host >>> 32))
                + hostAndPort(uri.substring((int) (host >>> 32), (int) host)) + uri.substring((int) host);
    }

    /** The host of the (first) address, without port; empty for other schemes or an address without host. */
    static String host(String uri, int schemeEnd) {
        long range = hostRange(uri, schemeEnd);
        String host = range < 0 ? "" : uri.substring((int) (range >>> 32), (int) range);
        int end = host.startsWith("[") ? host.indexOf(']') + 1 : host.indexOf(':');
        return end > 0 ? host.substring(0, end) : host;
    }

    /** Every address of a mailbox list with its host normalized, from the colon on. */
    private static String mailboxHosts(String uri, int schemeEnd) {
        int end = UriNormalizer.indexOfAny(uri, "?#", schemeEnd + 1);
        StringBuilder out = new StringBuilder(uri.length());
        int copied = schemeEnd;
        for (int at = uri.indexOf('@', schemeEnd); at >= 0 && at < end; at = uri.indexOf('@', at + 1)) {
            int hostEnd = Math.min(UriNormalizer.indexOfAny(uri, ",", at + 1), end);
            out.append(uri, copied, at + 1).append(hostAndPort(uri.substring(at + 1, hostEnd)));
            copied = hostEnd;
            at = Math.max(at, hostEnd - 1);
        }
        return out.append(uri, copied, uri.length()).toString();
    }

    /** A host with an optional {@code :port} after it, the host normalized and the port kept. */
    private static String hostAndPort(String written) {
        int bracket = written.startsWith("[") ? written.indexOf(']') : -1;
        int colon = written.indexOf(':', Math.max(bracket, 0));
        int hostEnd = colon < 0 ? written.length() : colon;
        return HostNames.normalize(written.substring(0, hostEnd)) + written.substring(hostEnd);
    }

    /**
     * Start (high half) and end (low half) of the host, port included, of a mailbox-style or SIP address: the first
     * address's part after its last {@code @}, or the whole of an {@code @}-less SIP address; -1 for other schemes.
     */
    private static long hostRange(String uri, int schemeEnd) {
        boolean sip = isScheme(uri, schemeEnd, SIP_SCHEMES);
        if (!sip && !isScheme(uri, schemeEnd, MAILBOX_SCHEMES)) {
            return -1;
        }
        int end = UriNormalizer.indexOfAny(uri, sip ? ";?#" : ",?#", schemeEnd + 1);
        int at = uri.lastIndexOf('@', end - 1);
        if (at > schemeEnd) {
            return ((long) (at + 1) << 32) | end;
        }
        return sip ? ((long) (schemeEnd + 1) << 32) | end : -1;
    }

    private static boolean isScheme(String uri, int schemeEnd, List<String> schemes) {
        for (String scheme : schemes) {
            if (scheme.length() == schemeEnd && uri.regionMatches(true, 0, scheme, 0, schemeEnd)) {
                return true;
            }
        }
        return false;
    }
}
