package org.tidings.delivery.webhook;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.tidings.delivery.webhook.Attempt.Result;

/**
 * Sends one signed webhook attempt and says how it ended; the caller decides what happens next. The target is
 * checked against the {@link AddressPolicy} first ({@code tidings.webhook.allow} and {@code tidings.webhook.deny}
 * when set, an empty value meaning an empty list; else {@link AddressPolicy#defaults()}), and every connection resolves
 * the host once more and goes only to the addresses of that answer, each permitted by the policy
 * ({@link CheckedResolver}): a name that rebinds to a denied address after the check is refused, never connected to.
 * The request is a POST with the Standard Webhooks headers, a timestamp taken now, and {@code user-agent: Tidings}.
 * Redirects are not followed (3xx is a failure, as the specification says), nothing is retried by the client, no
 * proxy is used. Certificates and host names are verified, against the JVM's default trust or, with
 * {@code tidings.webhook.tls.trust-store} set, against that store alone; with {@code tidings.webhook.tls.key-store}
 * set, Tidings shows that key store's certificate to a receiver that asks for a client certificate
 * ({@link ClientCertificate}).
 *
 * <p>HTTP/1.1 with keep-alive through {@link CheckedExchanges}: one pooled client for all timeouts (up to
 * {@value #CONNECTIONS_PER_ROUTE} connections per receiver), so connections are reused across notifications. At most
 * {@value #ANSWER_BODY_LIMIT} bytes of an answer's body are read; a longer answer's connection is closed. Thread-safe.
 */
@ApplicationScoped
public class WebhookTransmitter {

    static final String ALLOW_PROPERTY = "tidings.webhook.allow";
    static final String DENY_PROPERTY = "tidings.webhook.deny";
    static final String USER_AGENT = "Tidings";
    static final int ANSWER_BODY_LIMIT = 64 * 1024;
    private static final int ANSWER_BODY_SHOWN = 2 * Attempt.ANSWER_LIMIT;
    static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(24);
    /**
     * Connections to one receiver (scheme, host, port): as many as the delivery threads of an
     * instance ({@code tidings.webhook.attempt-threads}, 256), so the pool never makes a delivery wait (java.net.http, before, had no limit).
     */
    static final int CONNECTIONS_PER_ROUTE = 256;
    private static final int CONNECTIONS = 4 * CONNECTIONS_PER_ROUTE;
    /** Headers that frame or route the request, set by the HTTP client: a call may not set them (lower case). */
    private static final Set<String> CLIENT_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern DELAY_SECONDS = Pattern.compile("0*(\\d{1,19})");
    /**
     * The HTTP-date formats a recipient must accept (RFC 9110, section 5.6.7): IMF-fixdate (and RFC 1123 generally),
     * the obsolete RFC 850 form (a two-digit year: 70 to 99 are 19xx) and asctime.
     */
    private static final List<DateTimeFormatter> HTTP_DATES = List.of(DateTimeFormatter.RFC_1123_DATE_TIME,
            new DateTimeFormatterBuilder().appendPattern("EEEE, dd-MMM-")
                    .appendValueReduced(ChronoField.YEAR, 2, 2, 1970).appendPattern(" HH:mm:ss 'GMT'")
                    .toFormatter(Locale.ENGLISH).withZone(ZoneOffset.UTC),
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC));
    private static final Pattern FIELD_VALUE = Pattern.compile("[\\t\\x20-\\x7e\\x80-\\xff]*");

    private final Clock clock;
    private final AddressPolicy.Lookup lookup;
    private volatile AddressPolicy policy;
    private volatile String clientCertificate;
    private volatile String trustStore;
    private volatile CheckedExchanges exchanges;

    public WebhookTransmitter() {
        this(AddressPolicy.defaults(), Clock.systemUTC());
    }

    public WebhookTransmitter(AddressPolicy policy, Clock clock) {
        this(policy, InetAddress::getAllByName, clock);
    }

    /** For tests: host names resolved by {@code lookup}, for the check and for each connection. */
    WebhookTransmitter(AddressPolicy policy, AddressPolicy.Lookup lookup, Clock clock) {
        this.lookup = lookup;
        this.clock = clock;
        use(policy, ClientCertificate.context(Optional.empty(), Optional.empty(), "PKCS12"));
    }

    private void use(AddressPolicy policy, SSLContext tls) {
        if (exchanges != null) {
            exchanges.close();
        }
        this.policy = policy;
        this.exchanges = new CheckedExchanges(policy, lookup, CONNECTIONS_PER_ROUTE, CONNECTIONS, ANSWER_BODY_LIMIT,
                tls);
    }

    /** Closes the pooled connections. */
    @PreDestroy
    void stop() {
        exchanges.close();
    }

    @Inject
    void configure(Config config) {
        Optional<String> keyStore = config.getOptionalValue(ClientCertificate.KEY_STORE_PROPERTY, String.class);
        Optional<String> trustStoreSetting = config.getOptionalValue(ClientCertificate.TRUST_STORE_PROPERTY,
                String.class);
        var trust = ClientCertificate.trustOf(trustStoreSetting,
                config.getOptionalValue(ClientCertificate.TRUST_PASSWORD_PROPERTY, String.class),
                config.getOptionalValue(ClientCertificate.TRUST_TYPE_PROPERTY, String.class).orElse("PKCS12"));
        use(policyFrom(rawValue(config.getConfigSources(), ALLOW_PROPERTY),
                rawValue(config.getConfigSources(), DENY_PROPERTY)),
                ClientCertificate.context(keyStore,
                        config.getOptionalValue(ClientCertificate.PASSWORD_PROPERTY, String.class),
                        config.getOptionalValue(ClientCertificate.TYPE_PROPERTY, String.class).orElse("PKCS12"),
                        trust));
        clientCertificate = keyStore.filter(path -> !path.isBlank()).orElse(null);
        trustStore = trustStoreSetting.filter(path -> !path.isBlank()).orElse(null);
    }

    /** The key store whose certificate calls show to a receiver that asks for one, or null (for the start-up log). */
    public String clientCertificate() {
        return clientCertificate;
    }

    /** The trust store of the calls' own, or null for the JVM's (for the start-up log). */
    public String trustStore() {
        return trustStore;
    }

    /** The address policy in force: the purge channel checks its caches against it too. */
    public AddressPolicy policy() {
        return policy;
    }

    /** Each list as configured, or its default when absent. */
    static AddressPolicy policyFrom(Optional<String> allow, Optional<String> deny) {
        return new AddressPolicy(allow.orElse(AddressPolicy.DEFAULT_ALLOW), deny.orElse(AddressPolicy.DEFAULT_DENY));
    }

    /**
     * The value of the first source, by descending ordinal, that has the property, even if it is empty: MicroProfile
     * Config reports an empty value as missing, but an empty allow list is a deliberate setting.
     */
    static Optional<String> rawValue(Iterable<ConfigSource> sources, String name) {
        for (ConfigSource source : sources) {
            String value = source.getValue(name);
            if (value != null) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /**
     * Makes one attempt. Waits at most the connect timeout plus twice the read timeout for the whole exchange
     * ({@link CheckedExchanges#deadline}), each read at most the read timeout; never throws for what the receiver or
     * the network does. An answer whose head arrived is judged by its status even if its body was cut short.
     */
    public Attempt send(WebhookCall call) {
        long started = System.nanoTime();
        HttpUriRequestBase request;
        EchoedCredentials echoed;
        try {
            policy.check(call.url(), lookup);
            request = request(call);
            // before the call: its answer is then recorded; of the headers only credentials, not the event's own
            // attributes (a binary-mode ce-specversion of 1.0 blotted every "1.0" out of an answer)
            echoed = EchoedCredentials.of(call.credentialHeaders(), call.url());
        } catch (AddressPolicy.Refused e) {
            // a name that does not resolve now is retried (a review found a resolver's passing failure made a whole
            // line dead letters at once, and the circuit never opened); a refused address is final
            return new Attempt(e.mayPassLater() ? Result.RETRY : Result.REFUSED, 0, e.getMessage(), Optional.empty(),
                    since(started));
        } catch (RuntimeException e) {
            // a header that cannot be sent, a malformed secret or id; a URL without an ASCII form (URI.toASCIIString
            // throws a NullPointerException on a lone surrogate in JDK 17): refused, never thrown to the consumer,
            // whose message would be redelivered for ever. The URL's own failures are not quoted: they quote the URL,
            // whose query may hold a key (the answer is shown by the API)
            boolean ours = e instanceof IllegalArgumentException && !(e.getCause() instanceof URISyntaxException);
            return new Attempt(Result.REFUSED, 0, ours ? describe(e) : "the sink's URL has no form a request can be "
                    + "made to (" + e.getClass().getSimpleName() + ")", Optional.empty(), since(started));
        }
        try {
            return answered(exchanges.exchange(HttpHost.create(call.url()), request, call.connectTimeout(),
                    call.readTimeout()), echoed, started);
        } catch (CheckedResolver.Refused e) {
            return new Attempt(e.mayPassLater() ? Result.RETRY : Result.REFUSED, 0, e.getMessage()
                    + " (when connecting)", Optional.empty(), since(started));
        } catch (CheckedExchanges.DeadlineExceeded e) {
            return new Attempt(Result.RETRY, 0, e.getMessage(), Optional.empty(), since(started));
        } catch (InterruptedIOException e) {
            return new Attempt(Result.RETRY, 0, "no answer within the timeout: " + describe(e), Optional.empty(),
                    since(started));
        } catch (IOException | RuntimeException e) {
            return new Attempt(Result.RETRY, 0, describe(e), Optional.empty(), since(started));
        }
    }

    private HttpUriRequestBase request(WebhookCall call) {
        // ASCII, non-ASCII characters percent-encoded as UTF-8: the client writes the request line in ISO-8859-1
        HttpUriRequestBase request = new HttpUriRequestBase("POST", URI.create(call.url().toASCIIString()));
        for (Map.Entry<String, String> header : call.headers().entrySet()) {
            requireSendable(header.getKey(), header.getValue());
            request.addHeader(header.getKey(), header.getValue());
        }
        long timestamp = clock.instant().getEpochSecond();
        if (call.contentType() != null) {
            set(request, "content-type", call.contentType());
        } else {
            request.removeHeaders("content-type");
        }
        set(request, "webhook-id", call.messageId());
        set(request, "webhook-timestamp", Long.toString(timestamp));
        set(request, "webhook-signature",
                WebhookSigner.signature(call.messageId(), timestamp, call.body(), call.secrets()));
        set(request, "user-agent", USER_AGENT);
        request.setEntity(new ByteArrayEntity(call.body(), null));
        return request;
    }

    /** Replaces every header of that name, whatever its case. */
    private static void set(HttpUriRequestBase request, String name, String value) {
        requireSendable(name, value);
        request.removeHeaders(name);
        request.addHeader(name, value);
    }

    /** @throws IllegalArgumentException for a name that is not a token or that the client sets, a value with CR/LF */
    private static void requireSendable(String name, String value) {
        if (!TOKEN.matcher(name).matches() || CLIENT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header " + name + " cannot be set on a webhook request");
        }
        if (value == null || !FIELD_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("header " + name + " has a value that cannot be sent");
        }
    }

    /** The answer as recorded: its status and the start of its body, without any credentials it echoes. */
    private Attempt answered(CheckedExchanges.Answer response, EchoedCredentials echoed, long started) {
        int status = response.status();
        byte[] body = response.body();
        String answer = "HTTP " + status + (body.length == 0 ? "" : ": " + shown(body, echoed));
        Result result = status / 100 == 2 ? Result.DELIVERED : status == 410 ? Result.GONE : Result.RETRY;
        Optional<Duration> retryAfter = status == 429 || status == 503
                ? response.header("retry-after").flatMap(value -> retryAfter(value, clock.instant()))
                : Optional.empty();
        return new Attempt(result, status, answer, retryAfter, since(started));
    }

    /**
     * The start of the body. With credentials to blot out, the whole body read is decoded and blotted first, so that
     * a cut cannot leave the start of one.
     */
    private static String shown(byte[] body, EchoedCredentials echoed) {
        if (echoed.none()) {
            return new String(body, 0, Math.min(body.length, ANSWER_BODY_SHOWN), StandardCharsets.UTF_8);
        }
        String redacted = echoed.redacted(new String(body, StandardCharsets.UTF_8));
        return redacted.substring(0, Math.min(redacted.length(), ANSWER_BODY_SHOWN));
    }

    /**
     * A Retry-After value (delta seconds, with any leading zeros, or an HTTP-date in any of its three formats) as a
     * wait from now, capped at 24 h; empty if malformed or longer than 19 significant digits.
     */
    static Optional<Duration> retryAfter(String value, Instant now) {
        String text = value.strip();
        Matcher seconds = DELAY_SECONDS.matcher(text);
        if (seconds.matches()) {
            String digits = seconds.group(1);
            return Optional.of(digits.length() > 6 ? LONGEST_RETRY_AFTER
                    : min(Duration.ofSeconds(Long.parseLong(digits))));
        }
        for (DateTimeFormatter format : HTTP_DATES) {
            try {
                Duration wait = Duration.between(now, ZonedDateTime.parse(text, format));
                return Optional.of(wait.isNegative() ? Duration.ZERO : min(wait));
            } catch (DateTimeParseException e) {
                // the next format
            }
        }
        return Optional.empty();
    }

    private static Duration min(Duration wait) {
        return wait.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : wait;
    }

    /** The failure's class and the first message along its causes. */
    private static String describe(Throwable failure) {
        String message = null;
        for (Throwable t = failure; t != null && message == null; t = t.getCause()) {
            message = t.getMessage();
        }
        return failure.getClass().getName() + (message == null ? "" : ": " + message);
    }

    private static Duration since(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
