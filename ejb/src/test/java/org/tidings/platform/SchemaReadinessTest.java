package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The listeners go on only once the migration and every directory they reach have started on the deploying thread, so
 * that no message starts one of those singletons on its own thread (where a failed start marks it failed for good).
 */
class SchemaReadinessTest {

    /** The singletons the latch waits for, by their classes. */
    private static final List<Class<?>> STARTED = List.of(SchemaMigration.class,
            org.tidings.sources.boundary.SourceDirectory.class, org.tidings.trust.boundary.GrantDirectory.class,
            org.tidings.trust.boundary.TokenDirectory.class,
            org.tidings.subscriptions.boundary.SubscriptionView.class);

    @Test
    void itOpensWithTheLastOfTheSingletonsToStartAndNotBefore() {
        var readiness = new SchemaReadiness();
        List<String> names = new ArrayList<>(SchemaReadiness.SINGLETONS);
        String last = names.remove(names.size() - 1);
        names.forEach(readiness::started);
        assertThat(readiness.isOpen()).as("all but %s", last).isFalse();

        readiness.started(last);

        assertThat(readiness.isOpen()).isTrue();
        readiness.await();
        assertThat(readiness.isOpen()).as("for good").isTrue();
    }

    @Test
    void theMigrationAloneDoesNotOpenItAndAnUnknownNameIsRefused() {
        var readiness = new SchemaReadiness();
        readiness.open();
        assertThat(readiness.isOpen()).isFalse();
        assertThatThrownBy(() -> readiness.started("SchemaMigrationX")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Each name is a singleton the container starts at deployment, with a start-up method that reports it. */
    @Test
    void eachNameIsAStartupSingletonWithAStartUpMethod() {
        assertThat(STARTED).extracting(Class::getSimpleName)
                .containsExactlyInAnyOrderElementsOf(SchemaReadiness.SINGLETONS);
        for (Class<?> singleton : STARTED) {
            assertThat(singleton.isAnnotationPresent(Singleton.class) && singleton.isAnnotationPresent(Startup.class))
                    .as("%s is a @Startup @Singleton", singleton.getSimpleName()).isTrue();
            assertThat(Arrays.stream(singleton.getDeclaredMethods())
                    .filter(method -> method.isAnnotationPresent(PostConstruct.class)).map(Method::getName))
                    .as("%s has a start-up method", singleton.getSimpleName()).hasSize(1);
        }
    }
}
