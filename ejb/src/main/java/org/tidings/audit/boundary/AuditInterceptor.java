package org.tidings.audit.boundary;

import jakarta.annotation.Priority;
import jakarta.ejb.EJBContext;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.security.Principal;
import java.util.function.Supplier;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.tidings.audit.control.AuditStore;
import org.tidings.audit.entity.AuditedChange;

/**
 * Records an {@link Audited} method's change once it has returned, inside the method's transaction: the record
 * commits with the change or rolls back with it. A method that throws records nothing (docs/adr/0020). Who: the caller
 * principal the container propagates to the EJB, by its name as it is (Payara's "ANONYMOUS" when no one signed in).
 */
@Audited
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class AuditInterceptor {

    /**
     * The context of the EJB whose call this is, looked up under the name the EJB specification gives it rather than
     * injected: Payara has not always injected {@code @Resource} into CDI interceptors (payara/Payara#2314, #7627).
     */
    Supplier<EJBContext> context = AuditInterceptor::currentContext;

    @Inject
    AuditStore store;

    @AroundInvoke
    Object record(InvocationContext invocation) throws Exception {
        Object result = invocation.proceed();
        Method method = invocation.getMethod();
        Audited audited = method.getAnnotation(Audited.class);
        if (audited == null) { // bound on a whole class: each change needs its own action
            throw new IllegalStateException(method + " is audited without naming its action");
        }
        AuditedChange.of(audited.value(), invocation.getParameters(), details(method), result)
                .ifPresent(change -> store.recorded(caller(), change));
        return result;
    }

    private String caller() {
        Principal principal = context.get().getCallerPrincipal();
        return principal == null ? null : principal.getName();
    }

    /** @throws IllegalStateException outside an EJB call: a change whose author is unknown is not made */
    private static EJBContext currentContext() {
        try {
            return InitialContext.doLookup("java:comp/EJBContext");
        } catch (NamingException e) {
            throw new IllegalStateException("an audited change outside an EJB call: who makes it is unknown", e);
        }
    }

    static String[] details(Method method) {
        Parameter[] parameters = method.getParameters();
        String[] names = new String[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            Audited.Detail detail = parameters[i].getAnnotation(Audited.Detail.class);
            names[i] = detail == null ? null : detail.value();
        }
        return names;
    }
}
