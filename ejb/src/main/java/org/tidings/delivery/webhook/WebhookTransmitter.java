package org.tidings.delivery.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.tidings.delivery.webhook.Attempt.Result;

/**
 * Sends one signed webhook attempt and says how it ended; the caller decides what happens next. The target is
 * checked against the {@link AddressPolicy} first ({@code tidings.webhook.allow} and {@code tidings.webhook.deny}
 * when set, an empty value meaning an empty list; else {@link AddressPolicy#defaults()}). The request is a POST
 * with the Standard Webhooks headers, a timestamp taken now, and {@code user-agent: Tidings}. Redirects are not
 * followed (3xx is a failure, as the specification says). Certificates are verified by the default SSLContext.
 *
 * <p>One HTTP/1.1 client with keep-alive serves every call with the same connect timeout, so connections are
 * pooled across notifications. Thread-safe.
 */
@ApplicationScoped
public class WebhookTransmitter {

    static final String ALLOW_PROPERTY = "tidings.webhook.allow";
    static final String DENY_PROPERTY = "tidings.webhook.deny";
    static final String USER_AGENT = "Tidings";
    static final int ANSWER_BODY_LIMIT = 64 * 1024;
    private static final int ANSWER_BODY_SHOWN = 2 * Attempt.ANSWER_LIMIT;
    static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(24);

    private final ConcurrentMap<Duration, HttpClient> clients = new ConcurrentHashMap<>();
    private final Clock clock;
    private AddressPolicy policy;

    public WebhookTransmitter() {
        this(AddressPolicy.defaults(), Clock.systemUTC());
    }

    public WebhookTransmitter(AddressPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    @Inject
    void configure(Config config) {
        policy = policyFrom(rawValue(config.getConfigSources(), ALLOW_PROPERTY),
                rawValue(config.getConfigSources(), DENY_PROPERTY));
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
     * Makes one attempt. Waits at most the connect timeout plus twice the read timeout (the answer's headers, then
     * its body); never throws for what the receiver or the network does.
     */
    public Attempt send(WebhookCall call) {
        long started = System.nanoTime();
        HttpRequest request;
        try {
            policy.check(call.url());
            request = request(call);
        } catch (AddressPolicy.Refused e) {
            return new Attempt(Result.REFUSED, 0, e.getMessage(), Optional.empty(), since(started));
        } catch (IllegalArgumentException e) { // a header the HTTP client refuses, a malformed secret or id
            return new Attempt(Result.REFUSED, 0, describe(e), Optional.empty(), since(started));
        }
        CompletableFuture<HttpResponse<byte[]>> exchange = clients.computeIfAbsent(call.connectTimeout(),
                WebhookTransmitter::client).sendAsync(request, info -> new AnswerBody(ANSWER_BODY_LIMIT));
        try {
            HttpResponse<byte[]> response = exchange.get(
                    call.connectTimeout().plus(call.readTimeout().multipliedBy(2)).toMillis(), TimeUnit.MILLISECONDS);
            return answered(response, started);
        } catch (ExecutionException e) {
            return new Attempt(Result.RETRY, 0, describe(e.getCause()), Optional.empty(), since(started));
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return new Attempt(Result.RETRY, 0, "the answer did not complete within the read timeout",
                    Optional.empty(), since(started));
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return new Attempt(Result.RETRY, 0, "interrupted while waiting for the answer", Optional.empty(),
                    since(started));
        }
    }

    private HttpRequest request(WebhookCall call) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(call.url())
                .timeout(call.readTimeout())
                .POST(HttpRequest.BodyPublishers.ofByteArray(call.body()));
        call.headers().forEach(builder::header);
        long timestamp = clock.instant().getEpochSecond();
        return builder.setHeader("content-type", call.contentType())
                .setHeader("webhook-id", call.messageId())
                .setHeader("webhook-timestamp", Long.toString(timestamp))
                .setHeader("webhook-signature",
                        WebhookSigner.signature(call.messageId(), timestamp, call.body(), call.secrets()))
                .setHeader("user-agent", USER_AGENT)
                .build();
    }

    private Attempt answered(HttpResponse<byte[]> response, long started) {
        int status = response.statusCode();
        byte[] body = response.body();
        String answer = "HTTP " + status + (body.length == 0 ? ""
                : ": " + new String(body, 0, Math.min(body.length, ANSWER_BODY_SHOWN), StandardCharsets.UTF_8));
        Result result = status / 100 == 2 ? Result.DELIVERED : status == 410 ? Result.GONE : Result.RETRY;
        Optional<Duration> retryAfter = status == 429 || status == 503
                ? response.headers().firstValue("retry-after").flatMap(value -> retryAfter(value, clock.instant()))
                : Optional.empty();
        return new Attempt(result, status, answer, retryAfter, since(started));
    }

    /** A Retry-After value (delta seconds or an HTTP-date) as a wait from now, capped at 24 h; empty if malformed. */
    static Optional<Duration> retryAfter(String value, Instant now) {
        String text = value.strip();
        if (text.matches("\\d{1,19}")) {
            return Optional.of(text.length() > 6 ? LONGEST_RETRY_AFTER : min(Duration.ofSeconds(Long.parseLong(text))));
        }
        try {
            Duration wait = Duration.between(now, ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME));
            return Optional.of(wait.isNegative() ? Duration.ZERO : min(wait));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Duration min(Duration wait) {
        return wait.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : wait;
    }

    private static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
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
