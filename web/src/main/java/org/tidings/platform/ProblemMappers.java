package org.tidings.platform;

import jakarta.ejb.EJBException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every failure leaves as application/problem+json with a stable code. */
public final class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class.getName());

    private ProblemMappers() {
    }

    private static Response brokerUnavailable() {
        return Problem.of(ErrorCode.BROKER_UNAVAILABLE, "the message broker cannot be reached; nothing was accepted, "
                + "retry later");
    }

    @Provider
    public static class Domain implements ExceptionMapper<TidingsException> {
        @Override
        public Response toResponse(TidingsException e) {
            return Problem.of(e);
        }
    }

    @Provider
    public static class Validation implements ExceptionMapper<ConstraintViolationException> {
        @Override
        public Response toResponse(ConstraintViolationException e) {
            var errors = e.getConstraintViolations().stream()
                    .map(v -> new Problem.FieldError(field(v.getPropertyPath().toString()), v.getMessage()))
                    .sorted(java.util.Comparator.comparing(Problem.FieldError::field))
                    .toList();
            return Problem.of(ErrorCode.INVALID_REQUEST, errors.size() + " field(s) invalid", errors);
        }

        /** "create.arg0.name" -> "name": callers know fields, not Java parameter positions. */
        private static String field(String path) {
            String[] parts = path.split("\\.");
            int start = parts.length > 2 ? 2 : parts.length - 1;
            return String.join(".", java.util.Arrays.copyOfRange(parts, start, parts.length));
        }
    }

    @Provider
    public static class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse().getStatus();
            String query = unparsedQueryParameter(e);
            if (query != null) {
                return Problem.of(ErrorCode.INVALID_REQUEST, "the query parameter " + query
                        + " does not parse as what it names (a number, a UUID...)");
            }
            return switch (status) {
                // includes path parameters that do not parse (an id that is not a UUID names nothing)
                case 404 -> Problem.of(ErrorCode.NOT_FOUND, "no such resource");
                case 400 -> unreadableBody(e) ? Problem.of(ErrorCode.MALFORMED_JSON, "the body could not be read as "
                        + "JSON of the expected shape") : Problem.of(ErrorCode.INVALID_REQUEST, "the request is not valid");
                default -> {
                    ErrorCode code = Problem.codeFor(status);
                    yield Problem.of(code, code == ErrorCode.INTERNAL_ERROR ? "unexpected failure; see the server log"
                            : code.title());
                }
            };
        }

        /**
         * The name of the query parameter that did not parse into its method parameter's type, or null if {@code e}
         * is not about one. Jersey answers such a parameter 404 (JAX-RS says so of query, matrix and path parameters):
         * {@code ?limit=abc} would say that the sink or the log asked for is not there. By class name, as Jersey is
         * the server's own and not on this module's class path.
         */
        static String unparsedQueryParameter(WebApplicationException e) {
            for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
                if (c.getName().equals("org.glassfish.jersey.server.ParamException$QueryParamException")) {
                    try {
                        return String.valueOf(c.getMethod("getParameterName").invoke(e));
                    } catch (ReflectiveOperationException | RuntimeException unnamed) {
                        return "(unnamed)";
                    }
                }
            }
            return null;
        }

        /** Jersey's entity providers signal a body they cannot read as a 400 caused by the parser's exception. */
        private static boolean unreadableBody(Throwable e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
                String name = t.getClass().getName();
                if (name.startsWith("jakarta.json.") || name.startsWith("com.fasterxml.jackson.")
                        || t instanceof ProcessingException) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Jersey reports a body its JSON reader cannot turn into the expected record this way. */
    @Provider
    public static class Unreadable implements ExceptionMapper<ProcessingException> {
        @Override
        public Response toResponse(ProcessingException e) {
            return Problem.of(ErrorCode.MALFORMED_JSON, "the body could not be read as JSON of the expected shape");
        }
    }

    @Provider
    public static class Container implements ExceptionMapper<EJBException> {
        @Override
        public Response toResponse(EJBException e) {
            return classified(e);
        }
    }

    @Provider
    public static class Unexpected implements ExceptionMapper<RuntimeException> {
        @Override
        public Response toResponse(RuntimeException e) {
            return classified(e);
        }
    }

    /** A failure from below the resources, answered with what it means (see {@link Failures}). */
    static Response classified(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TidingsException domain) {
                return Problem.of(domain);
            }
        }
        ErrorCode code = Failures.classify(e);
        switch (code) {
            case CONFLICT -> {
                LOG.log(Level.FINE, "concurrent change", e);
                return Problem.of(code, "the resource was changed or created concurrently; read it again, then retry");
            }
            case DATABASE_UNAVAILABLE -> {
                LOG.log(Level.WARNING, "database unavailable: {0}", rootCause(e));
                return Problem.of(code, "the database cannot be reached; retry later");
            }
            case BROKER_UNAVAILABLE -> {
                LOG.log(Level.WARNING, "broker unavailable: {0}", rootCause(e));
                return brokerUnavailable();
            }
            default -> {
                LOG.log(Level.SEVERE, "unexpected failure", e);
                return Problem.of(ErrorCode.INTERNAL_ERROR, "unexpected failure; see the server log");
            }
        }
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }
}
