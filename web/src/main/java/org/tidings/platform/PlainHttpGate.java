package org.tidings.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Refuses every request below the HTTP security profile ({@link PlainHttp}) with 403 {@code tls-required}, before
 * any servlet or JAX-RS resource runs. Jakarta Security's mechanism runs before filters; it leaves the token of such
 * a request unchecked ({@code BearerTokenMechanism}), so a refused request reads and writes nothing.
 */
@WebFilter(urlPatterns = "/*", filterName = "tidings-plain-http", asyncSupported = true) // long-polls and SSE are async
public class PlainHttpGate extends HttpFilter {

    @Override
    public void init(FilterConfig config) throws ServletException {
        super.init(config);
        PlainHttp.configured(); // read (and an unknown value logged) at start, not on the first request
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        PlainHttp profile = PlainHttp.configured();
        if (profile.serves(request)) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Connection", "close"); // HTTP/1.1: nothing more on a connection anyone may read
        Problem.send(response, ErrorCode.TLS_REQUIRED, profile == PlainHttp.NONE
                ? "this server serves HTTPS only (" + PlainHttp.KEY + "=none)"
                : "this server serves plain HTTP to loopback clients only (" + PlainHttp.KEY + "=loopback); "
                        + "use HTTPS, or set " + PlainHttp.KEY + "=any behind a proxy that terminates TLS");
    }
}
