package org.tidings.delivery.purge;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.tidings.delivery.webhook.AddressPolicy;
import org.tidings.delivery.webhook.CheckedExchanges;
import org.tidings.delivery.webhook.CheckedResolver;

/**
 * Sends body-less HTTP/1.1 requests to cache servers: {@code method target HTTP/1.1}, {@code Host} (the invalidated
 * URI's, not the cache's), {@code User-Agent: Tidings} and the request's extra header, through
 * {@link CheckedExchanges}: connections only to addresses the {@link AddressPolicy} permitted in the connection's own
 * lookup, no proxy, redirect or retry, https caches verified, at most {@value #CONNECTIONS_PER_CACHE} pooled
 * connections per cache, and each request over within connect + 2 × read timeout. An answer's body is
 * read (up to 64 KiB, else its connection is dropped) and ignored. Thread-safe.
 */
final class CacheExchange implements AutoCloseable {

    /**
     * A cache's answer: its status (0 when there was none), a printable account of it, and whether the address
     * policy refused the cache's addresses when connecting.
     */
    record Answer(int status, String text, boolean refused) {
        /** Not sent, because an earlier request of the same attempt failed. */
        static final Answer NOT_SENT = new Answer(0, "not sent: an earlier request of the attempt failed", false);

        Answer(int status, String text) {
            this(status, text, false);
        }

        /** 2xx or 404: the cache no longer holds what was invalidated. */
        boolean invalidated() {
            return status / 100 == 2 || status == 404;
        }
    }

    static final String USER_AGENT = "Tidings";
    private static final int BODY_KEPT = 64 * 1024;
    private static final int CONNECTIONS_PER_CACHE = 64;

    private final CheckedExchanges exchanges;

    CacheExchange(AddressPolicy policy, AddressPolicy.Lookup lookup) {
        this.exchanges = new CheckedExchanges(policy, lookup, CONNECTIONS_PER_CACHE, 16 * CONNECTIONS_PER_CACHE,
                BODY_KEPT);
    }

    /**
     * Resolves the cache's host once, as a connection would: the policy's refusal if it refuses an address or the
     * name does not resolve, else empty.
     */
    Optional<Refusal> refusal(URI cache) {
        String host = HttpHost.create(cache).getHostName();
        try {
            exchanges.resolve(host);
            return Optional.empty();
        } catch (CheckedResolver.Refused e) {
            return Optional.of(new Refusal(e.getMessage(), e.mayPassLater()));
        } catch (UnknownHostException e) {
            return Optional.of(new Refusal(AddressPolicy.Reason.UNRESOLVED.code() + ": host " + host
                    + " does not resolve", true));
        }
    }

    /** Why a cache is not purged now, and whether a later attempt may (a name that does not resolve now). */
    record Refusal(String reason, boolean mayPassLater) {
    }

    /**
     * Never throws for what the cache or the network does. Each step waits at most its timeout (the connection to
     * each address of the cache, every read of the answer), and the whole request at most
     * {@link CheckedExchanges#deadline connect + 2 × read}.
     */
    Answer send(PurgeRequest request, Duration connectTimeout, Duration readTimeout) {
        HttpHost target = HttpHost.create(request.cache());
        HttpUriRequestBase purge = new HttpUriRequestBase(request.method(), URI.create("/"));
        purge.setPath(request.target());
        purge.setHeader(HttpHeaders.HOST, request.host());
        purge.setHeader(HttpHeaders.USER_AGENT, USER_AGENT);
        if (request.header() != null) {
            purge.setHeader(request.header(), request.value());
        }
        try {
            CheckedExchanges.Answer answer = exchanges.exchange(target, purge, connectTimeout, readTimeout);
            return new Answer(answer.status(), "HTTP " + answer.status()
                    + (answer.reason().isEmpty() ? "" : " " + answer.reason()));
        } catch (CheckedResolver.Refused e) {
            return new Answer(0, "cache refused by the address policy when connecting: " + e.getMessage(),
                    !e.mayPassLater());
        } catch (CheckedExchanges.DeadlineExceeded e) {
            return new Answer(0, e.getMessage() + " from " + target.toHostString());
        } catch (InterruptedIOException e) {
            return new Answer(0, "no answer within the timeout from " + target.toHostString());
        } catch (IOException | RuntimeException e) {
            return new Answer(0, e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** Closes the pooled connections to the caches. */
    @Override
    public void close() {
        exchanges.close();
    }
}
