package org.tidings.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AccessRulesTest {

    @RolesAllowed("viewer")
    static class Annotated {
        @GET
        public void inherits() {
        }

        @RolesAllowed("admin")
        @POST
        public void own() {
        }

        @PermitAll
        @GET
        public void open() {
        }
    }

    static class Bare {
        @GET
        public void forgotten() {
        }
    }

    @Test
    void aMethodsOwnRolesWinOverItsClassesAndAnUnannotatedOneIsForAdminsOnly() throws Exception {
        assertThat(AccessRules.rolesOf(Annotated.class, Annotated.class.getMethod("inherits"))).containsOnly("viewer");
        assertThat(AccessRules.rolesOf(Annotated.class, Annotated.class.getMethod("own"))).containsOnly("admin");
        assertThat(AccessRules.rolesOf(Annotated.class, Annotated.class.getMethod("open"))).isNull();
        assertThat(AccessRules.rolesOf(Bare.class, Bare.class.getMethod("forgotten"))).containsOnly("admin");
    }

    /** The application's resources, each method: roles named on purpose, nothing open, no change for a viewer. */
    @Test
    void everyResourceMethodOfTheApplicationNamesItsRolesAndNoneIsOpen() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Class<?> resource : resources()) {
            for (Method method : resource.getMethods()) {
                String verb = Arrays.stream(method.getAnnotations())
                        .map(a -> a.annotationType().getAnnotation(HttpMethod.class))
                        .filter(java.util.Objects::nonNull).map(HttpMethod::value).findFirst().orElse(null);
                if (verb == null) {
                    continue;
                }
                String name = resource.getSimpleName() + "." + method.getName();
                assertThat(method.isAnnotationPresent(RolesAllowed.class)
                        || resource.isAnnotationPresent(RolesAllowed.class)).as(name + " names its roles").isTrue();
                Set<String> roles = AccessRules.rolesOf(resource, method);
                assertThat(roles).as(name + " is not open").isNotNull().isNotEmpty();
                boolean readOnly = verb.equals("GET") || name.equals("MatchesResource.match"); // a dry run
                if (!readOnly) {
                    assertThat(roles).as(name + " changes something: not for viewers").doesNotContain("viewer");
                }
                checked.add(name);
            }
        }
        assertThat(checked).hasSizeGreaterThan(30).contains("EventsResource.submit", "OfSources.issue");
    }

    private static List<Class<?>> resources() throws IOException, ClassNotFoundException {
        var root = java.nio.file.Path.of("target/classes");
        List<Class<?>> found = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(root)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, AccessRulesTest.class.getClassLoader());
                if (type.isAnnotationPresent(Path.class) && !java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
                    found.add(type);
                }
            }
        }
        return found;
    }
}
