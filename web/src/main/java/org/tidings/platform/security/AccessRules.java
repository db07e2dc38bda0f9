package org.tidings.platform.security;

import jakarta.annotation.Priority;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.Problem;
import org.tidings.trust.control.Identity;

/**
 * Who may call each resource method, from its {@code @RolesAllowed} (or its class's), checked before anything else
 * runs: no valid identity is a 401 ({@code unauthenticated}, or {@code invalid-token} when a token was sent and
 * failed), a valid one without any of the roles a 403 ({@code forbidden}). A method with neither annotation is
 * open to admins only, so a new endpoint that forgets its roles is closed, not open. {@code @PermitAll} opens one to
 * anonymous callers; none does today.
 */
@Provider
public class AccessRules implements DynamicFeature {

    /** The roles of a resource method: its own annotation, else its class's, else admin only. Null: anyone. */
    public static Set<String> rolesOf(Class<?> resource, Method method) {
        if (method.isAnnotationPresent(PermitAll.class)) {
            return null;
        }
        RolesAllowed own = method.getAnnotation(RolesAllowed.class);
        if (own != null) {
            return Set.of(own.value());
        }
        if (resource.isAnnotationPresent(PermitAll.class)) {
            return null;
        }
        RolesAllowed inherited = resource.getAnnotation(RolesAllowed.class);
        if (inherited != null) {
            return Set.of(inherited.value());
        }
        return Set.of("admin");
    }

    /** One resource method as JAX-RS configured it: what the security suite walks (null roles: open to anyone). */
    public record Endpoint(String method, String path, String consumes, String produces, List<String> roles) {
    }

    private static final Map<String, Endpoint> ENDPOINTS = new ConcurrentSkipListMap<>();

    /** Every resource method the JAX-RS runtime has configured, in a stable order. */
    public static List<Endpoint> endpoints() {
        return List.copyOf(ENDPOINTS.values());
    }

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Endpoint endpoint = describe(resource.getResourceClass(), resource.getResourceMethod());
        if (endpoint != null) {
            ENDPOINTS.put(endpoint.path() + " " + endpoint.method(), endpoint);
        }
        boolean enabled = ConfigProvider.getConfig().getOptionalValue("tidings.security.enabled", Boolean.class)
                .orElse(true);
        if (enabled) {
            context.register(new Check(rolesOf(resource.getResourceClass(), resource.getResourceMethod())));
        }
    }

    private static Endpoint describe(Class<?> resource, Method method) {
        String verb = Arrays.stream(method.getAnnotations())
                .map(a -> a.annotationType().getAnnotation(HttpMethod.class)).filter(Objects::nonNull)
                .map(HttpMethod::value).findFirst().orElse(null);
        if (verb == null) {
            return null; // a sub-resource locator: its methods are configured themselves
        }
        String path = "/" + String.join("/", Stream.of(resource.getAnnotation(Path.class), method.getAnnotation(Path.class))
                .filter(Objects::nonNull).map(p -> p.value().replaceAll("^/+|/+$", "")).toList());
        Set<String> roles = rolesOf(resource, method);
        return new Endpoint(verb, path, first(method.getAnnotation(Consumes.class), resource.getAnnotation(Consumes.class)),
                first(method.getAnnotation(Produces.class), resource.getAnnotation(Produces.class)),
                roles == null ? null : roles.stream().sorted().toList());
    }

    private static String first(Annotation own, Annotation inherited) {
        Annotation chosen = own != null ? own : inherited;
        String[] types = chosen instanceof Consumes c ? c.value() : chosen instanceof Produces p ? p.value() : null;
        return types == null || types.length == 0 ? null : types[0];
    }

    /** The check of one resource method. */
    @Priority(Priorities.AUTHENTICATION)
    static final class Check implements ContainerRequestFilter {

        private final Set<String> roles;

        Check(Set<String> roles) {
            this.roles = roles;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            if (request.getProperty(BearerTokenMechanism.INVALID_TOKEN) != null) {
                request.abortWith(Problem.of(ErrorCode.INVALID_TOKEN,
                        "the bearer token is malformed, unknown, expired or revoked"));
                return;
            }
            if (roles == null) {
                return;
            }
            if (!(request.getProperty(BearerTokenMechanism.IDENTITY) instanceof Identity identity)) {
                request.abortWith(Problem.of(ErrorCode.UNAUTHENTICATED,
                        "this request needs a token: Authorization: Bearer <token>"));
                return;
            }
            if (identity.groups().stream().noneMatch(roles::contains)) {
                request.abortWith(Problem.of(ErrorCode.FORBIDDEN, "this needs one of the roles "
                        + roles.stream().sorted().toList() + "; the token's principal has "
                        + identity.groups().stream().sorted().toList()));
            }
        }
    }
}
