package org.tidings.delivery.purge;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.delivery.control.Transmitter;
import org.tidings.delivery.entity.Notification;
import org.tidings.delivery.webhook.AddressPolicy;
import org.tidings.delivery.webhook.Attempt;
import org.tidings.delivery.webhook.Attempt.Result;
import org.tidings.delivery.webhook.WebhookTransmitter;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.PurgeSettings;
import org.tidings.sinks.entity.Sink;

/**
 * The purge channel (RUP-1): invalidates what the notification's event names ({@link Invalidations}: URIs, a
 * prefix, and its surrogate keys if the sink has a key header) on every cache of the sink. Settings stored before a
 * rule of {@link PurgeSettings} was tightened make the attempt {@link Result#REFUSED}. The attempt is
 * {@link Result#DELIVERED} only if every request was answered 2xx or 404 (the cache no longer holds it) by every cache;
 * any other answer, a timeout or a connection failure makes it {@link Result#RETRY} (the whole notification is tried
 * again: purging is idempotent). A cache the
 * {@link AddressPolicy} refuses (the webhook's, resolved now) makes it {@link Result#REFUSED} before anything is sent,
 * and so does one whose name resolves to a refused address when a connection is opened (a name that does not
 * resolve now is {@link Result#RETRY}, as a connection failure is) (each connection resolves
 * the name once and connects only to the addresses the policy permitted:
 * {@link org.tidings.delivery.webhook.CheckedResolver}). Each request to a cache takes at most the connect timeout
 * plus twice the read timeout ({@code tidings.purge.connect-timeout}, {@code tidings.purge.read-timeout}, or the
 * sink's), however slowly the cache answers.
 * Identical requests within {@code tidings.purge.coalesce-window} (100 ms) are sent once for all the notifications
 * that asked for them ({@link Coalescer}, RUP-17). Thread-safe.
 */
@ApplicationScoped
public class CachePurges implements Transmitter {

    @Inject
    WebhookTransmitter webhooks;

    @Inject
    @ConfigProperty(name = "tidings.purge.coalesce-window", defaultValue = "PT0.1S")
    Duration window;

    @Inject
    @ConfigProperty(name = "tidings.purge.connect-timeout", defaultValue = "PT2S")
    Duration connectTimeout;

    @Inject
    @ConfigProperty(name = "tidings.purge.read-timeout", defaultValue = "PT5S")
    Duration readTimeout;

    private AddressPolicy policy;
    private AddressPolicy.Lookup lookup = InetAddress::getAllByName;
    private Coalescer<PurgeRequest, CacheExchange.Answer> coalescer;
    private CacheExchange exchange;

    protected CachePurges() {
    }

    /** For tests: the given policy, window and default timeouts. */
    public CachePurges(AddressPolicy policy, Duration window, Duration connectTimeout, Duration readTimeout) {
        this(policy, InetAddress::getAllByName, window, connectTimeout, readTimeout);
    }

    /** For tests: names resolved by {@code lookup} when connecting. */
    CachePurges(AddressPolicy policy, AddressPolicy.Lookup lookup, Duration window, Duration connectTimeout,
            Duration readTimeout) {
        this.policy = policy;
        this.lookup = lookup;
        this.window = window;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        start();
    }

    @PostConstruct
    void start() {
        if (webhooks != null) {
            policy = webhooks.policy();
        }
        coalescer = Coalescer.of(window);
        exchange = new CacheExchange(policy, lookup);
    }

    /** Closes the pooled connections to the caches. */
    @PreDestroy
    void stop() {
        exchange.close();
    }

    @Override
    public Channel channel() {
        return Channel.PURGE;
    }

    @Override
    public Attempt send(Sink sink, Notification notification) {
        long started = System.nanoTime();
        PurgeSettings settings;
        try {
            settings = sink.purgeSettings();
        } catch (IllegalArgumentException stored) {
            // a row stored before a rule was tightened (a ban header now refused): dead with the reason, not a
            // notification that fails for ever
            return attempt(Result.REFUSED, 0, "the sink's purge settings are no longer accepted: "
                    + stored.getMessage(), started);
        }
        List<PurgeRequest> requests;
        CacheExchange.Refusal unresolved = null;
        for (URI cache : settings.caches()) {
            Optional<CacheExchange.Refusal> refusal = exchange.refusal(cache);
            if (refusal.isPresent() && !refusal.get().mayPassLater()) {
                return attempt(Result.REFUSED, 0, "cache refused by the address policy: " + refusal.get().reason(),
                        started);
            }
            if (refusal.isPresent() && unresolved == null) {
                unresolved = refusal.get(); // a refused cache after it still makes the attempt final
            }
        }
        if (unresolved != null) {
            return attempt(Result.RETRY, 0, "cache not reached: " + unresolved.reason(), started);
        }
        try {
            requests = Invalidations.of(notification.body(), settings);
        } catch (IllegalArgumentException e) {
            return attempt(Result.REFUSED, 0, e.getMessage(), started);
        }
        if (requests.isEmpty()) {
            return attempt(Result.DELIVERED, 0, "the event names no http or https URI"
                    + (settings.keyHeader() == null ? "" : " and no surrogate key") + ": nothing to invalidate",
                    started);
        }
        Duration connect = sink.connectTimeoutMillis() != null
                ? Duration.ofMillis(sink.connectTimeoutMillis()) : connectTimeout;
        Duration read = sink.readTimeoutMillis() != null ? Duration.ofMillis(sink.readTimeoutMillis()) : readTimeout;
        Map<PurgeRequest, CacheExchange.Answer> answers;
        AtomicBoolean failed = new AtomicBoolean();
        try {
            // after a failure the rest is not sent: the notification is retried anyway, and a cache that does not
            // answer would otherwise cost a timeout per request (up to 256 URIs times 16 caches)
            answers = coalescer.enrol(requests).complete(request -> {
                if (failed.get()) {
                    return CacheExchange.Answer.NOT_SENT;
                }
                CacheExchange.Answer answer = exchange.send(request, connect, read);
                failed.compareAndSet(false, !answer.invalidated());
                return answer;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return attempt(Result.RETRY, 0, "interrupted while invalidating", started);
        }
        return outcome(answers, started);
    }

    /**
     * Delivered if every answer says invalidated; else the first that does not, and how many did: refused if the
     * address policy refused that cache when connecting, else retried.
     */
    private static Attempt outcome(Map<PurgeRequest, CacheExchange.Answer> answers, long started) {
        long invalidated = answers.values().stream().filter(CacheExchange.Answer::invalidated).count();
        if (invalidated == answers.size()) {
            CacheExchange.Answer last = answers.values().iterator().next();
            return attempt(Result.DELIVERED, last.status(), answers.size() + " request(s) answered, the first "
                    + last.text(), started);
        }
        var failed = answers.entrySet().stream().filter(e -> !e.getValue().invalidated()).findFirst().orElseThrow();
        return attempt(failed.getValue().refused() ? Result.REFUSED : Result.RETRY, failed.getValue().status(),
                failed.getKey().method() + " " + failed.getKey().cache() + " " + failed.getKey().target() + ": "
                        + failed.getValue().text() + " (" + invalidated + " of " + answers.size()
                        + " request(s) invalidated)", started);
    }

    private static Attempt attempt(Result result, int status, String answer, long started) {
        return new Attempt(result, status, answer, Optional.empty(), Duration.ofNanos(System.nanoTime() - started));
    }
}
