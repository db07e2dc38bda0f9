package org.tidings.platform;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Which requests Tidings serves over plain HTTP, not TLS ({@code tidings.http.plain}): the security profile of an
 * HTTP session (RUP-16). A request below it is refused before its token is even looked at, with 403
 * {@code tls-required} ({@link PlainHttpGate}); a bearer token sent over plain HTTP beyond the host could have been
 * read on the way. HTTPS requests are always served.
 */
public enum PlainHttp {
    /** Plain HTTP from loopback peers only (127.0.0.0/8, ::1): the default; run.sh binds its listeners there. */
    LOOPBACK,
    /** Plain HTTP from anyone: behind a proxy that terminates TLS, or a container whose port is published on loopback. */
    ANY,
    /** HTTPS only, also from loopback. */
    NONE;

    /** The configuration key. */
    public static final String KEY = "tidings.http.plain";

    private static final String CIPHER_SUITE = "jakarta.servlet.request.cipher_suite";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[0-9A-Za-z_.-]+)?]?");

    private static volatile PlainHttp configured;

    /**
     * The profile as configured. A value that is none of the three is an error in the log and {@link #NONE}: the
     * servlet container would only log a filter that fails to start and go on without it, so this fails closed.
     */
    public static PlainHttp configured() {
        PlainHttp profile = configured;
        if (profile == null) {
            try {
                profile = ConfigProvider.getConfig().getOptionalValue(KEY, String.class).map(PlainHttp::parse)
                        .orElse(LOOPBACK);
            } catch (IllegalArgumentException e) {
                System.getLogger(PlainHttp.class.getName()).log(System.Logger.Level.ERROR,
                        e.getMessage() + ": serving HTTPS only until it is corrected");
                profile = NONE;
            }
            configured = profile;
        }
        return profile;
    }

    /** {@code loopback}, {@code any} or {@code none}, in any case. */
    public static PlainHttp parse(String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY + " must be one of "
                    + Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toList() + ", not " + value, e);
        }
    }

    /**
     * Whether this request is served: it came over TLS, or the profile allows plain HTTP from its peer. Over TLS means
     * the container says so ({@code isSecure()}) and has the connection's cipher suite: Grizzly's HTTP/2 decoder sets
     * the secure flag from the {@code :scheme} a client names, even on a plain connection, while the cipher suite
     * comes from the connection's TLS engine (RequestUtils.populateSSLAttributes in Payara 6.2025.10).
     */
    public boolean serves(HttpServletRequest request) {
        return overTls(request) || servesPlain(request.getRemoteAddr());
    }

    static boolean overTls(HttpServletRequest request) {
        return request.isSecure() && request.getAttribute(CIPHER_SUITE) != null;
    }

    /** Whether plain HTTP is served to a peer of this address (as the servlet container gives it: a literal). */
    public boolean servesPlain(String peer) {
        return switch (this) {
            case ANY -> true;
            case NONE -> false;
            case LOOPBACK -> isLoopback(peer);
        };
    }

    /**
     * Whether a peer address is a loopback address. Only IP literals count, and they are parsed without a name
     * lookup (IPv4 here, byte by byte; an IPv6 literal, which holds a colon, is never looked up by the JDK); anything
     * else (a host name, should the container be set to look names up) is not loopback.
     */
    static boolean isLoopback(String peer) {
        if (peer == null) {
            return false;
        }
        if (IPV4.matcher(peer).matches()) {
            String[] parts = peer.split("\\.");
            byte[] address = new byte[4];
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(parts[i]);
                if (part > 255) {
                    return false;
                }
                address[i] = (byte) part;
            }
            try {
                return InetAddress.getByAddress(address).isLoopbackAddress();
            } catch (UnknownHostException impossible) {
                return false;
            }
        }
        if (!IPV6.matcher(peer).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(peer).isLoopbackAddress();
        } catch (UnknownHostException notALiteral) {
            return false;
        }
    }
}
