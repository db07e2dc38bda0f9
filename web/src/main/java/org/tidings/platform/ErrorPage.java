package org.tidings.platform;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The servlet container's error page (WEB-INF/web.xml): what the container itself refuses, before JAX-RS runs
 * (a request it cannot parse, a path it will not map, an error a filter raised), still leaves as
 * application/problem+json with a code. Only the status is used: the container's message may echo the request.
 */
@WebServlet(urlPatterns = ErrorPage.PATH)
public class ErrorPage extends HttpServlet {

    static final String PATH = "/tidings-error";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        ErrorCode code = Problem.codeFor(status instanceof Integer s ? s : HttpServletResponse.SC_NOT_FOUND);
        Problem.send(response, code, code.title());
    }
}
