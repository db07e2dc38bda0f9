package org.tidings.platform;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Instant;

/**
 * An instant every database Tidings runs on stores, and Java turns into an {@code OffsetDateTime}: within the years 1
 * to 9999 (null passes). JSON-B reads any ISO-8601 instant, up to the year 1,000,000,000; PostgreSQL refused one past
 * the year 294,276 with "timestamp out of range", which no classification knew (500), and one past Java's
 * {@code OffsetDateTime} range failed before the database was reached. 400 {@code invalid-request}, naming the field.
 */
@Constraint(validatedBy = StorableInstant.Check.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD,
        ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface StorableInstant {

    Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    String message() default "must be an instant within the years 1 to 9999";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** The check. */
    class Check implements ConstraintValidator<StorableInstant, Instant> {
        @Override
        public boolean isValid(Instant value, ConstraintValidatorContext context) {
            return storable(value);
        }

        /** Whether {@code value} is null or within the years 1 to 9999. */
        public static boolean storable(Instant value) {
            return value == null || !value.isBefore(EARLIEST) && !value.isAfter(LATEST);
        }
    }
}
