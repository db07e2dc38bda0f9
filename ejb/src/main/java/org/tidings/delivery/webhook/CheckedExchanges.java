package org.tidings.delivery.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * HTTP/1.1 exchanges with Apache HttpClient 5 that connect only to addresses the {@link CheckedResolver} took from
 * one lookup and the {@link AddressPolicy} permitted, and that end within a deadline. One pooled client for all
 * timeouts (both are set per request), with keep-alive, kept until {@link #close()}. No proxy (system proxies ignored), no
 * redirect followed, no automatic retry, no cookies, no authentication, no content compression; https over TLS with
 * the default SSLContext or the one given (a client certificate, {@link ClientCertificate}), certificate and host name
 * verified. Thread-safe; shared by the webhook and purge channels.
 *
 * <p>Timeouts: the connect timeout bounds each address tried, a TLS handshake and the wait for a pooled connection,
 * the read timeout each read of the answer, and the whole exchange (connecting, sending, reading the head and the body) ends at
 * {@link #deadline(Duration, Duration) connect + 2 × read}: a peer that trickles its answer a byte at a time, each
 * within the read timeout, is cut off there (the connection is closed).
 */
public final class CheckedExchanges implements AutoCloseable {

    /**
     * An answer: its status line, headers, and the start of its body, at most the limit given at construction.
     *
     * @param complete whether the body was read to its end (else the limit or the deadline cut it short, or the
     *        connection failed while it was read)
     */
    public record Answer(int status, String reason, List<Header> headers, byte[] body, boolean complete) {

        public Answer {
            headers = List.copyOf(headers);
        }

        /** The first value of the header {@code name} (case-insensitive). */
        public Optional<String> header(String name) {
            return headers.stream().filter(h -> h.getName().equalsIgnoreCase(name)).map(Header::getValue)
                    .findFirst();
        }
    }

    /** The exchange did not end within its deadline; what it had sent may have arrived. */
    public static final class DeadlineExceeded extends InterruptedIOException {
        private static final long serialVersionUID = 1L;

        DeadlineExceeded(Duration deadline) {
            super("no complete answer within " + deadline.toMillis() + " ms (connect + 2 x read timeout)");
        }
    }

    private static final int FIRST_BUFFER = 1024;

    private final SSLContext tls;
    private final CheckedResolver resolver;
    private final int connectionsPerRoute;
    private final int connections;
    private final int bodyLimit;
    private final ScheduledThreadPoolExecutor deadlines;
    private final CloseableHttpClient client;

    /**
     * @param connectionsPerRoute pooled connections per scheme, host and port
     * @param connections pooled connections in all
     * @param bodyLimit how much of an answer's body is read; a longer body's connection is closed, not reused
     */
    public CheckedExchanges(AddressPolicy policy, AddressPolicy.Lookup lookup, int connectionsPerRoute,
            int connections, int bodyLimit) {
        this(policy, lookup, connectionsPerRoute, connections, bodyLimit, defaultSslContext());
    }

    /** The same, with this TLS context (a client certificate, {@link ClientCertificate}) for https. */
    public CheckedExchanges(AddressPolicy policy, AddressPolicy.Lookup lookup, int connectionsPerRoute,
            int connections, int bodyLimit, SSLContext tls) {
        this.tls = tls;
        this.resolver = new CheckedResolver(policy, lookup);
        this.connectionsPerRoute = connectionsPerRoute;
        this.connections = connections;
        this.bodyLimit = bodyLimit;
        this.deadlines = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "tidings-http-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        deadlines.setRemoveOnCancelPolicy(true);
        this.client = client();
    }

    /** The longest an exchange with these timeouts takes. */
    public static Duration deadline(Duration connect, Duration read) {
        return connect.plus(read.multipliedBy(2));
    }

    /** Resolves {@code host} as a new connection would, checked against the policy. */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        return resolver.resolve(host);
    }

    /**
     * Sends {@code request} (its target in origin form) to {@code target} and reads the answer's head and the start
     * of its body, all within {@link #deadline(Duration, Duration)}. A body cut short by the deadline still gives an
     * answer (its status is known), marked incomplete.
     *
     * @throws CheckedResolver.Refused if the target's name resolves to an address the policy refuses (nothing sent)
     * @throws DeadlineExceeded if no answer's head arrived within the deadline
     * @throws InterruptedIOException if a step took longer than its timeout
     * @throws IOException if the connection failed or the answer is not HTTP
     */
    public Answer exchange(HttpHost target, HttpUriRequestBase request, Duration connect, Duration read)
            throws IOException {
        request.setConfig(config(connect, read));
        Duration deadline = deadline(connect, read);
        ScheduledFuture<?> timer = deadlines.schedule(request::cancel, deadline.toNanos(), TimeUnit.NANOSECONDS);
        try {
            ClassicHttpResponse response;
            try {
                response = client.executeOpen(target, request, null);
            } catch (CheckedResolver.Refused e) {
                throw e;
            } catch (IOException e) {
                if (request.isCancelled()) {
                    throw (DeadlineExceeded) new DeadlineExceeded(deadline).initCause(e);
                }
                throw e;
            }
            return read(CloseableHttpResponse.adapt(response));
        } finally {
            timer.cancel(false);
        }
    }

    /**
     * Reads the body up to the limit; keeps the connection only if the body ended within it. The content stream is
     * never closed unread: closing it would read the rest of the body.
     */
    private Answer read(CloseableHttpResponse response) {
        byte[] buffer = new byte[0];
        int size = 0;
        boolean complete = false;
        try {
            HttpEntity entity = response.getEntity();
            long length = entity == null ? 0 : entity.getContentLength();
            // grown as the body arrives, up to one byte past the limit (which tells a longer body): most answers are
            // small; a declared length only sizes the first buffer, and may be anything a peer writes
            buffer = new byte[(int) Math.min(bodyLimit, length < 0 ? FIRST_BUFFER : length) + 1];
            complete = entity == null;
            if (entity != null) {
                InputStream in = entity.getContent();
                for (int n = 0; n >= 0 && size <= bodyLimit; size += Math.max(n, 0)) {
                    if (size == buffer.length) {
                        buffer = Arrays.copyOf(buffer, (int) Math.min(bodyLimit + 1L, 2L * buffer.length));
                    }
                    n = in.read(buffer, size, buffer.length - size);
                    complete = n < 0;
                }
            }
        } catch (IOException e) {
            complete = false;
        } finally {
            release(response, complete);
        }
        return new Answer(response.getCode(), response.getReasonPhrase() == null ? "" : response.getReasonPhrase(),
                Arrays.asList(response.getHeaders()), Arrays.copyOf(buffer, Math.min(size, bodyLimit)), complete);
    }

    /** A body read to its end gives the connection back to the pool; any other is closed, never reused. */
    private static void release(CloseableHttpResponse response, boolean complete) {
        if (complete) {
            try {
                response.close();
                return;
            } catch (IOException e) {
                // closed below
            }
        }
        response.close(CloseMode.IMMEDIATE);
    }

    private CloseableHttpClient client() {
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(resolver)
                        .setTlsSocketStrategy(new DefaultClientTlsStrategy(tls))
                        .setMaxConnPerRoute(connectionsPerRoute)
                        .setMaxConnTotal(connections)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setValidateAfterInactivity(1, TimeUnit.SECONDS)
                                .build())
                        .build())
                .setRoutePlanner(new DefaultRoutePlanner(null))
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                // A connection that showed a client certificate is kept with its principal as its state, and a
                // request (whose context has none) would never be given it again: one pool has one client identity.
                .disableConnectionState()
                .build();
    }

    /**
     * A request's settings, which replace the client's. The connect timeout bounds each address tried and the TLS
     * handshake (the pool's connection manager takes the request's over its own), and the wait for a pooled
     * connection; the response timeout is each read's, set on the connection before the request is written.
     */
    @SuppressWarnings("deprecation") // the per-request connect timeout: still honoured, and one pool serves all
    private static RequestConfig config(Duration connect, Duration read) {
        return RequestConfig.custom()
                .setConnectTimeout(timeout(connect))
                .setConnectionRequestTimeout(timeout(connect))
                .setResponseTimeout(timeout(read))
                .setRedirectsEnabled(false)
                .setAuthenticationEnabled(false)
                .setExpectContinueEnabled(false)
                .build();
    }

    private static Timeout timeout(Duration duration) {
        return Timeout.ofMilliseconds(Math.max(1, duration.toMillis()));
    }

    private static SSLContext defaultSslContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default SSLContext", e);
        }
    }

    /** Closes the client and its pooled connections, and the deadline timer. */
    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
        deadlines.shutdownNow();
    }
}
