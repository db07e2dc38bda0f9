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

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[0-9A-Za-z_.-]+)?]?");

    private static volatile PlainHttp configured;

    /** The profile as configured; an unknown value fails the first request's check (and the gate's start). */
    public static PlainHttp configured() {
        PlainHttp profile = configured;
        if (profile == null) {
            profile = ConfigProvider.getConfig().getOptionalValue(KEY, String.class).map(PlainHttp::parse)
                    .orElse(LOOPBACK);
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

    /** Whether this request is served: it came over TLS, or the profile allows plain HTTP from its peer. */
    public boolean serves(HttpServletRequest request) {
        return request.isSecure() || servesPlain(request.getRemoteAddr());
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
     * lookup; anything else (a host name, should the container be set to look names up) is not loopback.
     */
    static boolean isLoopback(String peer) {
        if (peer == null || !(IPV4.matcher(peer).matches() || IPV6.matcher(peer).matches())) {
            return false;
        }
        try {
            return InetAddress.getByName(peer).isLoopbackAddress();
        } catch (UnknownHostException notALiteral) {
            return false;
        }
    }
}
