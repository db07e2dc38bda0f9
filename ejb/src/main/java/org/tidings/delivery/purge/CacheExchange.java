package org.tidings.delivery.purge;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.tidings.delivery.webhook.AddressPolicy;

/**
 * Sends body-less HTTP/1.1 requests to cache servers with Apache HttpClient 5: {@code method target HTTP/1.1},
 * {@code Host} (the invalidated URI's, not the cache's), {@code User-Agent: Tidings} and the request's extra header.
 * Connections go only to addresses the {@link CheckedResolver} took from one lookup and the {@link AddressPolicy}
 * permitted; no proxy, no redirect followed, no retry, no cookies or authentication. https caches are reached over
 * TLS with the default SSLContext, certificate and host name (the cache's) verified. One pooled client per pair of
 * timeouts, kept until {@link #close()}; an answer's body is read and the connection kept only if it declares at
 * most 64 KiB, else the connection is dropped. Thread-safe.
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
    private static final long BODY_KEPT = 64 * 1024;
    private static final int CONNECTIONS_PER_CACHE = 8;

    private record Timeouts(Duration connect, Duration read) {
    }

    private final ConcurrentMap<Timeouts, CloseableHttpClient> clients = new ConcurrentHashMap<>();
    private final CheckedResolver resolver;

    CacheExchange(AddressPolicy policy, CheckedResolver.Lookup lookup) {
        this.resolver = new CheckedResolver(policy, lookup);
    }

    /**
     * Resolves the cache's host once, as a connection would: the policy's refusal if it refuses an address or the
     * name does not resolve, else empty.
     */
    Optional<String> refusal(URI cache) {
        String host = HttpHost.create(cache).getHostName();
        try {
            resolver.resolve(host);
            return Optional.empty();
        } catch (CheckedResolver.Refused e) {
            return Optional.of(e.getMessage());
        } catch (UnknownHostException e) {
            return Optional.of(AddressPolicy.Reason.UNRESOLVED.code() + ": host " + host + " does not resolve");
        }
    }

    /**
     * Never throws for what the cache or the network does. Each step waits at most its timeout: the connection to
     * each address of the cache, then every read of the answer.
     */
    Answer send(PurgeRequest request, Duration connectTimeout, Duration readTimeout) {
        URI cache = request.cache();
        HttpHost target = HttpHost.create(cache);
        BasicClassicHttpRequest purge = new BasicClassicHttpRequest(request.method(), request.target());
        purge.setHeader(HttpHeaders.HOST, request.host());
        if (request.header() != null) {
            purge.setHeader(request.header(), request.value());
        }
        CloseableHttpClient client = clients.computeIfAbsent(new Timeouts(connectTimeout, readTimeout),
                timeouts -> client(timeouts, resolver));
        try {
            CloseableHttpResponse response = CloseableHttpResponse.adapt(client.executeOpen(target, purge, null));
            String reason = response.getReasonPhrase();
            Answer answer = new Answer(response.getCode(), "HTTP " + response.getCode()
                    + (reason == null || reason.isEmpty() ? "" : " " + reason));
            release(response);
            return answer;
        } catch (CheckedResolver.Refused e) {
            return new Answer(0, "cache refused by the address policy when connecting: " + e.getMessage(), true);
        } catch (InterruptedIOException e) {
            return new Answer(0, "no answer within the timeout from " + target.toHostString());
        } catch (IOException | RuntimeException e) {
            return new Answer(0, e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** Keeps the connection if the answer's body is declared small and reads whole; else drops the connection. */
    private static void release(CloseableHttpResponse response) {
        HttpEntity body = response.getEntity();
        try {
            if (body == null || body.getContentLength() >= 0 && body.getContentLength() <= BODY_KEPT) {
                EntityUtils.consume(body);
                response.close();
                return;
            }
        } catch (IOException e) {
            // the answer is known; the connection is dropped below
        }
        response.close(CloseMode.IMMEDIATE);
    }

    private static CloseableHttpClient client(Timeouts timeouts, CheckedResolver resolver) {
        Timeout connect = Timeout.ofMilliseconds(Math.max(1, timeouts.connect().toMillis()));
        Timeout read = Timeout.ofMilliseconds(Math.max(1, timeouts.read().toMillis()));
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(resolver)
                        .setTlsSocketStrategy(new DefaultClientTlsStrategy(defaultSslContext()))
                        .setMaxConnPerRoute(CONNECTIONS_PER_CACHE)
                        .setMaxConnTotal(16 * CONNECTIONS_PER_CACHE)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(connect)
                                .setSocketTimeout(read)
                                .setValidateAfterInactivity(1, TimeUnit.SECONDS)
                                .build())
                        .build())
                .setRoutePlanner(new DefaultRoutePlanner(null))
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(connect)
                        .setResponseTimeout(read)
                        .setRedirectsEnabled(false)
                        .setAuthenticationEnabled(false)
                        .build())
                .setUserAgent(USER_AGENT)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .build();
    }

    private static SSLContext defaultSslContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default SSLContext", e);
        }
    }

    /** Closes every client and its pooled connections. */
    @Override
    public void close() {
        clients.values().forEach(client -> {
            try {
                client.close();
            } catch (IOException e) {
                // closing idle connections: nothing to do about a failure
            }
        });
        clients.clear();
    }
}
