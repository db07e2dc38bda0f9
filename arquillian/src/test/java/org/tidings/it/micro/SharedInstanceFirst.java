package org.tidings.it.micro;

import java.util.Comparator;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Runs every class that shares Payara Micro before any class with {@link OwnPayaraMicro}, each group by name. A class
 * with its own instance stops the shared one, and the next class that shares would boot it again (about 20 s); with
 * the own-instance classes last, the shared instance boots once per suite. Failsafe hands JUnit all classes in one
 * request, so this order is the suite's ({@code junit-platform.properties}).
 */
public class SharedInstanceFirst implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator
                .comparing((ClassDescriptor c) -> c.getTestClass().isAnnotationPresent(OwnPayaraMicro.class))
                .thenComparing(c -> c.getTestClass().getName()));
    }
}
