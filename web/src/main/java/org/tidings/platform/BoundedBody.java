package org.tidings.platform;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A resource method whose JSON body may be longer than {@link JsonBodies#DEFAULT_BYTES}: at most {@link #bytes()}.
 * For the calls whose body is a list the caller sizes (a batch) or whose columns hold more (a group).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface BoundedBody {

    /** The most bytes the body may have. */
    int bytes();
}
