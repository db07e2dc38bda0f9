package org.tidings.pull.boundary;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What a per-address limit counts a client as. An IPv4 address is itself; an IPv6 address is its /64, because one
 * client (a home or a cloud host) is commonly given a whole /64 and could otherwise take a fresh address for every
 * wait. An IPv4-mapped IPv6 address is its IPv4 address. Anything that is not an IP literal is taken as it is.
 */
final class ClientAddresses {

    private static final int IPV6_NETWORK_BYTES = 8;

    private ClientAddresses() {
    }

    static String limitedAs(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.indexOf(':') < 0 || !isIpv6Literal(remoteAddress)) {
            return remoteAddress;
        }
        InetAddress address;
        try {
            // an IP literal is parsed, never looked up (checked by isIpv6Literal)
            address = InetAddress.getByName(remoteAddress);
        } catch (UnknownHostException e) {
            return remoteAddress;
        }
        if (address instanceof Inet4Address) {
            return address.getHostAddress(); // an IPv4-mapped IPv6 address
        }
        byte[] bytes = address.getAddress();
        var network = new StringBuilder();
        for (int i = 0; i < IPV6_NETWORK_BYTES; i += 2) {
            network.append(Integer.toHexString(((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF))).append(':');
        }
        return network.append(":/64").toString();
    }

    /** Hex digits, colons, dots (an embedded IPv4 tail), a zone after %, or brackets: nothing a resolver would look up. */
    private static boolean isIpv6Literal(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                return true; // a zone id follows; the address before it was all literal characters
            }
            boolean literal = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':'
                    || c == '.' || c == '[' || c == ']';
            if (!literal) {
                return false;
            }
        }
        return true;
    }
}
