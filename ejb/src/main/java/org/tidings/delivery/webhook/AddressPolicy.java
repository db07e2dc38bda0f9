package org.tidings.delivery.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Which addresses webhooks may be sent to, so that a subscriber cannot aim them at internal services (SSRF). An
 * address is permitted if it lies in an allowed range, else if it lies in no denied range. An IPv6 address that
 * carries an IPv4 address a host or gateway translates to (IPv4-mapped {@code ::ffff:a.b.c.d}, NAT64
 * {@code 64:ff9b::a.b.c.d}, 6to4 {@code 2002:AABB:CCDD::}) is judged by that IPv4 address as well as by the IPv6
 * ranges. Immutable.
 *
 * <p>The default denies the unspecified, private, shared, link-local, benchmarking, IETF-protocol, multicast and
 * reserved ranges, the IPv4-compatible, local-use NAT64 and Teredo IPv6 ranges (which carry IPv4 addresses in forms
 * not judged here), and allows
 * loopback, so that a local run can deliver to a receiver on 127.0.0.1; production sets
 * {@code tidings.webhook.allow} to empty.
 */
public final class AddressPolicy {

    private static final Logger LOG = Logger.getLogger(AddressPolicy.class.getName());

    public static final String DEFAULT_ALLOW = "127.0.0.0/8,::1/128";
    public static final String DEFAULT_DENY = "0.0.0.0/8,10.0.0.0/8,100.64.0.0/10,127.0.0.0/8,169.254.0.0/16,"
            + "172.16.0.0/12,192.0.0.0/24,192.168.0.0/16,198.18.0.0/15,224.0.0.0/4,240.0.0.0/4,::/96,::1/128,"
            + "64:ff9b:1::/48,2001::/32,fc00::/7,fe80::/10,ff00::/8";

    /** Why a target was refused; {@link #code()} is stable and machine-readable. */
    public enum Reason {
        SCHEME_NOT_HTTP("scheme-not-http"),
        NO_HOST("no-host"),
        UNRESOLVED("unresolved"),
        ADDRESS_DENIED("address-denied");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** How a host name becomes addresses; {@code InetAddress::getAllByName} outside tests. */
    @FunctionalInterface
    public interface Lookup {
        InetAddress[] addresses(String host) throws UnknownHostException;
    }

    /** A target the policy refuses. The message names the host and address at most, never the whole URL. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Reason reason;

        Refused(Reason reason, String detail) {
            super(reason.code() + ": " + detail, null, false, false);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }

        /**
         * Whether a later attempt may succeed: a name that does not resolve now (a resolver's failure, a record
         * missing for a while, a negative answer cached for some seconds) is retried as a connection failure is,
         * never made a dead letter at once; an address or URL the policy refuses is final.
         */
        public boolean mayPassLater() {
            return reason == Reason.UNRESOLVED;
        }
    }

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            int mask = (0xff << (8 - rest)) & 0xff;
            return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private static final byte[] MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
    private static final byte[] NAT64_PREFIX = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private final List<Range> allow;
    private final List<Range> deny;

    /**
     * @param allowCidrs comma-separated IPv4 and IPv6 ranges ({@code 10.0.0.0/8}, {@code fc00::/7}; a bare address
     *        is a range of one), empty for none
     * @param denyCidrs the same
     * @throws IllegalArgumentException if a range is malformed
     */
    public AddressPolicy(String allowCidrs, String denyCidrs) {
        this.allow = parse(Objects.requireNonNull(allowCidrs, "allowCidrs"));
        this.deny = parse(Objects.requireNonNull(denyCidrs, "denyCidrs"));
    }

    public static AddressPolicy defaults() {
        return new AddressPolicy(DEFAULT_ALLOW, DEFAULT_DENY);
    }

    public boolean permits(InetAddress address) {
        return in(allow, address) || !in(deny, address);
    }

    /**
     * Resolves the URL's host now and refuses it unless it is http or https and every address it resolves to is
     * permitted (one denied address would let a resolver pick it later).
     *
     * @throws Refused if the URL is refused
     */
    public void check(URI url) {
        check(url, InetAddress::getAllByName);
    }

    /**
     * As {@link #check(URI)}, the host resolved by {@code lookup}.
     *
     * @throws Refused if the URL is refused
     */
    public void check(URI url, Lookup lookup) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused(Reason.SCHEME_NOT_HTTP, "scheme " + (scheme.isEmpty() ? "missing" : scheme));
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new Refused(Reason.NO_HOST, "the URL has no host");
        }
        try {
            checkAll(host, lookup.addresses(host));
        } catch (UnknownHostException e) {
            throw new Refused(Reason.UNRESOLVED, "host " + host + " does not resolve");
        }
    }

    /**
     * Refuses {@code host} unless it resolved to at least one address and every address it resolved to is
     * permitted: for a caller that resolved the name itself and will connect to exactly these addresses.
     *
     * @throws Refused if an address is denied or there is none
     */
    public void checkAll(String host, InetAddress[] addresses) {
        if (addresses == null || addresses.length == 0) {
            throw new Refused(Reason.UNRESOLVED, "host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            if (!permits(address)) {
                // the address for the operator's log only: the refusal becomes the dead letter's last answer, which
                // the sink's subscriber reads, and naming the address would map the internal network's names for it
                // (a review)
                LOG.info(() -> "webhook or cache host " + host + " refused: it resolves to " + address.getHostAddress()
                        + ", which tidings.webhook.allow/deny refuse");
                throw new Refused(Reason.ADDRESS_DENIED, "host " + host + " resolves to an address the address "
                        + "policy refuses (Tidings' log names it)");
            }
        }
    }

    private static boolean in(List<Range> ranges, InetAddress address) {
        byte[] bytes = address.getAddress();
        byte[] embedded = address instanceof Inet6Address ? embeddedIpv4(bytes) : null;
        for (Range range : ranges) {
            if (range.contains(bytes) || embedded != null && range.contains(embedded)) {
                return true;
            }
        }
        return false;
    }

    /** The IPv4 address an IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address carries, else null. */
    private static byte[] embeddedIpv4(byte[] bytes) {
        if (Arrays.equals(bytes, 0, 12, MAPPED_PREFIX, 0, 12) || Arrays.equals(bytes, 0, 12, NAT64_PREFIX, 0, 12)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes[0] == 0x20 && bytes[1] == 0x02 ? Arrays.copyOfRange(bytes, 2, 6) : null;
    }

    private static List<Range> parse(String cidrs) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : cidrs.split(",")) {
            String cidr = entry.strip();
            if (!cidr.isEmpty()) {
                ranges.add(range(cidr));
            }
        }
        return List.copyOf(ranges);
    }

    private static Range range(String cidr) {
        int slash = cidr.indexOf('/');
        String literal = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] network = literal.indexOf(':') >= 0 ? ipv6(literal, cidr) : ipv4(literal, cidr);
        int prefix = network.length * 8;
        if (slash >= 0) {
            String bits = cidr.substring(slash + 1);
            if (!bits.matches("\\d{1,3}") || Integer.parseInt(bits) > prefix) {
                throw malformed(cidr);
            }
            prefix = Integer.parseInt(bits);
        }
        return new Range(network, prefix);
    }

    private static byte[] ipv4(String literal, String cidr) {
        String[] parts = literal.split("\\.", -1);
        if (parts.length != 4) {
            throw malformed(cidr);
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("\\d{1,3}") || Integer.parseInt(parts[i]) > 255) {
                throw malformed(cidr);
            }
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }

    private static byte[] ipv6(String literal, String cidr) {
        // Only hex digits, ':' and '.' (an embedded IPv4 address): InetAddress then parses a literal, never resolves.
        if (!literal.matches("[0-9A-Fa-f:.]+")) {
            throw malformed(cidr);
        }
        try {
            InetAddress address = InetAddress.getByName(literal);
            if (address instanceof Inet4Address) { // the JDK turns ::ffff:a.b.c.d into an IPv4 address
                byte[] mapped = Arrays.copyOf(MAPPED_PREFIX, 16);
                System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
                return mapped;
            }
            return address.getAddress();
        } catch (UnknownHostException e) {
            throw malformed(cidr);
        }
    }

    private static IllegalArgumentException malformed(String cidr) {
        return new IllegalArgumentException("not an address range: " + cidr);
    }
}
