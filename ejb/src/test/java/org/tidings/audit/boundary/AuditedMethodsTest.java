package org.tidings.audit.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.time.temporal.TemporalAccessor;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tidings.audit.entity.AuditSummary;
import org.tidings.audit.entity.AuditTarget;
import org.tidings.delivery.boundary.DeliveryLedger;
import org.tidings.sinks.boundary.Sinks;
import org.tidings.sources.boundary.Sources;
import org.tidings.subscriptions.boundary.Groups;
import org.tidings.subscriptions.boundary.Subscriptions;
import org.tidings.trust.boundary.Administrators;
import org.tidings.trust.boundary.Grants;
import org.tidings.trust.boundary.Subscribers;
import org.tidings.trust.boundary.Tokens;

/**
 * Which boundary methods are audited, and that each can be: its record names a target (one it returns, or a UUID
 * argument), and every argument it shows is one the summary can show (never "(not shown)").
 */
class AuditedMethodsTest {

    private static final Class<?>[] BOUNDARIES = {Sources.class, Sinks.class, Subscriptions.class, Groups.class,
        DeliveryLedger.class, Administrators.class, Subscribers.class, Tokens.class, Grants.class};

    @Test
    void everyAdministrativeChangeIsAudited() {
        assertThat(audited()).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("Sources.create", "source.create"),
                Map.entry("Sources.delete", "source.delete"),
                Map.entry("Sources.spokenForBy", "source.set-broker-user"),
                Map.entry("Sources.provisionBrokerUser", "source.provision-broker-user"),
                Map.entry("Sources.removeBrokerUser", "source.remove-broker-user"),
                Map.entry("Sources.limitedTo", "source.set-quota"),
                Map.entry("Sinks.create", "sink.create"),
                Map.entry("Sinks.createWebhook", "sink.create"),
                Map.entry("Sinks.createPurge", "sink.create"),
                Map.entry("Sinks.change", "sink.update"),
                Map.entry("Sinks.rotateSecret", "sink.rotate-secret"),
                Map.entry("Sinks.enable", "sink.enable"),
                Map.entry("Sinks.pause", "sink.pause"),
                Map.entry("Sinks.delete", "sink.delete"),
                Map.entry("Subscriptions.create", "subscription.create"),
                Map.entry("Subscriptions.update", "subscription.update"),
                Map.entry("Subscriptions.delete", "subscription.delete"),
                Map.entry("Groups.create", "group.create"),
                Map.entry("Groups.update", "group.update"),
                Map.entry("Groups.delete", "group.delete"),
                Map.entry("DeliveryLedger.redrive", "sink.redrive-dead-letters"),
                Map.entry("DeliveryLedger.redriveOne", "sink.redrive-dead-letter"),
                Map.entry("DeliveryLedger.discard", "sink.discard-dead-letter"),
                Map.entry("Administrators.create", "administrator.create"),
                Map.entry("Administrators.delete", "administrator.delete"),
                Map.entry("Subscribers.create", "subscriber.create"),
                Map.entry("Subscribers.delete", "subscriber.delete"),
                Map.entry("Subscribers.provisionBrokerUser", "subscriber.provision-broker-user"),
                Map.entry("Subscribers.removeBrokerUser", "subscriber.remove-broker-user"),
                Map.entry("Tokens.issue", "token.create"),
                Map.entry("Tokens.issueWithText", "token.create"),
                Map.entry("Tokens.revoke", "token.revoke"),
                Map.entry("Grants.create", "grant.create"),
                Map.entry("Grants.delete", "grant.delete")));
    }

    @Test
    void everyAuditedMethodNamesItsTargetAndShowsOnlyWhatCanBeShown() {
        for (Method method : auditedMethods().toList()) {
            boolean returnsTarget = AuditTarget.class.isAssignableFrom(method.getReturnType());
            boolean takesId = Stream.of(method.getParameterTypes()).anyMatch(UUID.class::equals);
            assertThat(returnsTarget || takesId).as("%s names its target", method).isTrue();
            for (Parameter parameter : method.getParameters()) {
                if (parameter.isAnnotationPresent(Audited.Detail.class)) {
                    assertThat(shownType(parameter.getType())).as("%s of %s can be shown", parameter, method)
                            .isTrue();
                }
            }
        }
    }

    private static boolean shownType(Class<?> type) {
        return type.isPrimitive() || type == String.class || Number.class.isAssignableFrom(type)
                || type == Boolean.class || type == UUID.class || type.isEnum()
                || TemporalAccessor.class.isAssignableFrom(type) || AuditSummary.class.isAssignableFrom(type);
    }

    private static Map<String, String> audited() {
        Map<String, String> actions = new TreeMap<>();
        auditedMethods().forEach(m -> actions.put(m.getDeclaringClass().getSimpleName() + "." + m.getName(),
                m.getAnnotation(Audited.class).value()));
        return actions;
    }

    private static Stream<Method> auditedMethods() {
        return Stream.of(BOUNDARIES).flatMap(type -> Stream.of(type.getDeclaredMethods()))
                .filter(m -> m.isAnnotationPresent(Audited.class));
    }
}
