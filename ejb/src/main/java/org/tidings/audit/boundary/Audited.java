package org.tidings.audit.boundary;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a boundary method that makes an administrative change: when it returns, {@link AuditInterceptor} records
 * who made which change, in the method's own transaction (docs/adr/0020). {@link #value} is the action,
 * {@code target-type.verb} ("sink.create"). The target and summary come from what the method returns and from the
 * arguments marked {@link Detail} (see {@link org.tidings.audit.entity.AuditedChange}).
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Audited {

    @Nonbinding
    String value() default "";

    /** An argument the audit summary shows, under this name: a plain value or an AuditSummary, never a secret. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface Detail {
        String value();
    }
}
