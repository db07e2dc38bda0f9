package org.tidings.sinks.entity;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Credentials a webhook sink presents to its receiver on every attempt, as one request header: HTTP basic
 * ({@code Authorization: Basic ...}), a bearer token ({@code Authorization: Bearer ...}) or a header of the sink's
 * choosing. Checked strictly when given, so that a stored one can always be sent. They are stored sealed (their
 * {@link #plaintext()}), never shown, and never named in a message: {@link #toString()} and every refusal name the
 * type and the header at most, never a value.
 */
public final class ReceiverCredentials {

    public enum Type {
        BASIC, BEARER, HEADER
    }

    static final int USERNAME_CHARS = 256;
    static final int PASSWORD_CHARS = 256;
    static final int TOKEN_CHARS = 4096;
    static final int HEADER_NAME_CHARS = 64;
    static final int HEADER_VALUE_CHARS = 4096;
    /** The longest plaintext: a header name, the separator and the longest value (ASCII). */
    public static final int PLAINTEXT_CHARS = HEADER_NAME_CHARS + 1 + HEADER_VALUE_CHARS;

    private static final String AUTHORIZATION = "Authorization";
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** RFC 6750's b64token: what a bearer token may hold, so it needs no quoting or escaping. */
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
    /** Visible ASCII and inner spaces: no CR, LF or other control characters, nothing outside ASCII. */
    private static final Pattern FIELD_VALUE = Pattern.compile("[\\x21-\\x7e]([\\x20-\\x7e]*[\\x21-\\x7e])?");
    /**
     * Headers the transmitter or the HTTP client sets, or that frame or route the request: a credential may not
     * replace them (lower case; names starting with {@code webhook-} or {@code content-} are refused too).
     */
    private static final Set<String> RESERVED = Set.of("host", "content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer", "upgrade", "expect",
            "user-agent", "cookie");

    private final Type type;
    private final String headerName;
    private final String headerValue;

    private ReceiverCredentials(Type type, String headerName, String headerValue) {
        this.type = type;
        this.headerName = headerName;
        this.headerValue = headerValue;
    }

    /**
     * HTTP basic (RFC 7617, UTF-8): a username of 1 to 256 characters without ':' and a password of 1 to 256, neither
     * with control characters or lone surrogates.
     *
     * @throws IllegalArgumentException otherwise; the message holds neither
     */
    public static ReceiverCredentials basic(String username, String password) {
        requireText(username, "username", USERNAME_CHARS);
        requireText(password, "password", PASSWORD_CHARS);
        if (username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a basic username cannot hold ':'");
        }
        String encoded = Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        return new ReceiverCredentials(Type.BASIC, AUTHORIZATION, "Basic " + encoded);
    }

    /**
     * A bearer token (RFC 6750) of 1 to 4,096 characters of its b64token syntax (letters, digits, {@code -._~+/},
     * then {@code =} padding).
     *
     * @throws IllegalArgumentException otherwise; the message does not hold it
     */
    public static ReceiverCredentials bearer(String token) {
        if (token == null || token.isEmpty() || token.length() > TOKEN_CHARS || !B64TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("a bearer token is 1 to " + TOKEN_CHARS + " characters of letters, "
                    + "digits and -._~+/ followed by any '=' padding");
        }
        return new ReceiverCredentials(Type.BEARER, AUTHORIZATION, "Bearer " + token);
    }

    /**
     * A header of the sink's choosing: its name an HTTP token of at most 64 characters that frames, routes or signs
     * nothing (not Host, Content-*, Transfer-Encoding, the hop-by-hop headers, Expect, User-Agent, Cookie,
     * Proxy-Authorization, webhook-*); its value 1 to 4,096 visible ASCII characters and inner spaces (no CR, LF or
     * other control characters, no leading or trailing space).
     *
     * @throws IllegalArgumentException otherwise; the message names the header, never the value
     */
    public static ReceiverCredentials header(String name, String value) {
        if (name == null || name.isEmpty() || name.length() > HEADER_NAME_CHARS || !TOKEN.matcher(name).matches()) {
            throw new IllegalArgumentException("a header name is an HTTP token of 1 to " + HEADER_NAME_CHARS
                    + " characters");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED.contains(lower) || lower.startsWith("webhook-") || lower.startsWith("content-")) {
            throw new IllegalArgumentException("header " + name + " is set by Tidings or frames the request: it "
                    + "cannot carry credentials");
        }
        if (value == null || value.length() > HEADER_VALUE_CHARS || !FIELD_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("the value of header " + name + " is 1 to " + HEADER_VALUE_CHARS
                    + " visible ASCII characters and inner spaces, without CR, LF or other control characters");
        }
        return new ReceiverCredentials(Type.HEADER, name, value);
    }

    private static void requireText(String text, String name, int limit) {
        if (text == null || text.isEmpty() || text.length() > limit) {
            throw new IllegalArgumentException("a basic " + name + " is 1 to " + limit + " characters");
        }
        if (text.codePoints().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a basic " + name + " cannot hold CR, LF or other control "
                    + "characters");
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(text)) { // else UTF-8 would send '?' in its place
            throw new IllegalArgumentException("a basic " + name + " cannot hold a lone surrogate (not a character)");
        }
    }

    /**
     * Credentials cross the network in the clear over plain http, where anyone on the path can read and replay them
     * (RFC 6750, section 5.3, requires TLS for bearer tokens; RFC 7617 says the same of basic): they are presented to
     * https receivers, and to http ones only on the loopback interface ({@code localhost}, {@code 127.0.0.0/8},
     * {@code [::1]}, as literals: no name is looked up).
     *
     * @throws IllegalArgumentException for an http URL whose host is not one of those
     */
    public static void requireConfidentialTransport(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !isLoopback(url.getHost())) {
            throw new IllegalArgumentException("credentials are sent to https receivers only (or over plain http to "
                    + "localhost, 127.0.0.0/8 or [::1]): over http they cross the network in the clear");
        }
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        var ipv4 = IPV4_LOOPBACK.matcher(host);
        if (ipv4.matches()) {
            for (int group = 1; group <= 3; group++) {
                if (Integer.parseInt(ipv4.group(group)) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (!host.startsWith("[") || !host.endsWith("]")) {
            return false; // a name: not looked up
        }
        try { // an IPv6 literal, which java.net.URI already checked: no lookup
            return InetAddress.getByName(host.substring(1, host.length() - 1)).isLoopbackAddress();
        } catch (UnknownHostException notALiteral) {
            return false;
        }
    }

    /** What is sealed and stored: the header's name, a line feed, its value (neither can hold a line feed). */
    public String plaintext() {
        return headerName + "\n" + headerValue;
    }

    /**
     * The header that a stored credential's opened {@link #plaintext()} stands for, as a one-entry map.
     *
     * @throws IllegalArgumentException if it is not of that form; the message holds nothing of it
     */
    public static Map<String, String> headerOf(String plaintext) {
        int separator = plaintext == null ? -1 : plaintext.indexOf('\n');
        if (separator <= 0) {
            throw new IllegalArgumentException("stored receiver credentials are not a header name and value");
        }
        return Map.of(plaintext.substring(0, separator), plaintext.substring(separator + 1));
    }

    public Type type() {
        return type;
    }

    public String headerName() {
        return headerName;
    }

    public String headerValue() {
        return headerValue;
    }

    @Override
    public String toString() {
        return "ReceiverCredentials[" + type.name().toLowerCase(Locale.ROOT) + ", header " + headerName + "]";
    }
}
