package org.tidings.it.micro;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class that stops and starts Payara Micro itself (a {@code Deployer} with {@code managed = false}): it gets
 * instances of its own. Its first deployment takes over the shared instance if one runs (the first such class after
 * the classes that share); otherwise the shared one is stopped first.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OwnPayaraMicro {
}
