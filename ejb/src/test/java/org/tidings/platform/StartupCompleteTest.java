package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * StartupComplete names every singleton of the application in its {@code @DependsOn}: one left out could be started
 * on a message's thread, after the message-driven beans were let in.
 */
class StartupCompleteTest {

    @Test
    void startupCompleteDependsOnEverySingletonOfTheApplication() throws IOException {
        Path classes = Path.of("target", "classes");
        List<String> singletons;
        try (Stream<Path> files = Files.walk(classes)) {
            singletons = files.filter(file -> file.toString().endsWith(".class") && !file.toString().contains("$"))
                    .map(file -> classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .map(StartupCompleteTest::load)
                    .filter(type -> type.isAnnotationPresent(Singleton.class) && type != StartupComplete.class)
                    .map(Class::getSimpleName).toList();
        }

        assertThat(singletons).as("the singletons found").contains("SchemaMigration", "SourceDirectory", "Views")
                .hasSizeGreaterThan(10);
        assertThat(StartupComplete.class.getAnnotation(DependsOn.class).value())
                .containsExactlyInAnyOrderElementsOf(singletons);
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, StartupCompleteTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(name, e);
        }
    }
}
