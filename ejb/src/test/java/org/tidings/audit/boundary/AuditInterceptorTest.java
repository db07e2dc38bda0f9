package org.tidings.audit.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ejb.EJBContext;
import jakarta.interceptor.InvocationContext;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.tidings.audit.control.AuditStore;
import org.tidings.audit.entity.AuditedChange;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.sinks.boundary.Sinks;

/** The interceptor around a real audited method's signature, with the container's parts played by stand-ins. */
class AuditInterceptorTest {

    private final List<String> recorded = new ArrayList<>();
    private final AuditInterceptor interceptor = new AuditInterceptor();

    AuditInterceptorTest() {
        interceptor.store = new AuditStore() {
            @Override
            public void recorded(String actor, AuditedChange change) {
                recorded.add(actor + " " + change.action() + " " + change.targetId() + " " + change.summary());
            }
        };
        var context = stub(EJBContext.class, "getCallerPrincipal", (Principal) () -> "ANONYMOUS");
        interceptor.context = () -> context;
    }

    @Test
    void aChangeThatReturnedIsRecordedWithTheCallerAndTheMarkedArguments() throws Exception {
        UUID sink = UUID.randomUUID();

        Object result = interceptor.record(invocation(sinksDelete(), new Object[] {sink, true}, () -> null));

        assertThat(result).isNull();
        assertThat(recorded).containsExactly("ANONYMOUS sink.delete " + sink + " purge=true");
    }

    @Test
    void aChangeThatThrewIsNotRecorded() {
        var refused = new TidingsException(ErrorCode.CONFLICT, "sink still has subscriptions");

        assertThatThrownBy(() -> interceptor.record(invocation(sinksDelete(), new Object[] {UUID.randomUUID(), false},
                () -> {
                    throw refused;
                }))).isSameAs(refused);
        assertThat(recorded).isEmpty();
    }

    @Test
    void theDetailsAreTheArgumentsMarkedOnTheMethod() {
        assertThat(AuditInterceptor.details(sinksDelete())).containsExactly(null, "purge");
    }

    private static Method sinksDelete() {
        try {
            return Sinks.class.getMethod("delete", UUID.class, boolean.class);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static InvocationContext invocation(Method method, Object[] arguments, Callable<Object> proceed) {
        return (InvocationContext) Proxy.newProxyInstance(AuditInterceptorTest.class.getClassLoader(),
                new Class<?>[] {InvocationContext.class}, (proxy, called, args) -> switch (called.getName()) {
                    case "getMethod" -> method;
                    case "getParameters" -> arguments;
                    case "proceed" -> proceed.call();
                    default -> throw new UnsupportedOperationException(called.getName());
                });
    }

    private static <T> T stub(Class<T> type, String name, Object answer) {
        return type.cast(Proxy.newProxyInstance(AuditInterceptorTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, called, args) -> {
                    if (called.getName().equals(name)) {
                        return answer;
                    }
                    throw new UnsupportedOperationException(called.getName());
                }));
    }
}
