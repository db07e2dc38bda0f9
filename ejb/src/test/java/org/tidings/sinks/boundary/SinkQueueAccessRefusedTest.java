package org.tidings.sinks.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.persistence.EntityManager;
import java.lang.reflect.Proxy;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.platform.BrokerManagement;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.sinks.control.SinkQueueAccess;
import org.tidings.sinks.control.SinkQueueProvisioning;
import org.tidings.sinks.entity.Channel;
import org.tidings.trust.control.OwnerLimits;

/**
 * A subscriber creates a JMS sink and the broker refuses to let it read the queue: the subscriber learns that and
 * the code, not the broker's words, which name Tidings' own broker account and the operation it was refused.
 */
class SinkQueueAccessRefusedTest {

    private static final String REFUSAL = "AMQ229032: User: tidings-app-account does not have permission='EDIT' on "
            + "address mops.broker.addSecuritySettings";

    @Test
    void theCallerGetsTheCodeAndNotTheBrokersWords() {
        var sinks = new Sinks();
        sinks.limits = new OwnerLimits() { // the limits have tests of their own (AdminLimitsIT)
            @Override
            public void lock(UUID owner) {
            }

            @Override
            public void checkSinks(UUID owner) {
            }
        };
        sinks.em = (EntityManager) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {EntityManager.class}, (proxy, called, args) -> null);
        sinks.queues = new SinkQueueProvisioning() {
            @Override
            public void create(String queue) {
            }
        };
        sinks.access = new SinkQueueAccess() {
            @Override
            public void grant(String queue, UUID owner) throws BrokerManagement.Refused {
                throw new BrokerManagement.Refused("the broker refused management request on broker: " + REFUSAL);
            }
        };
        assertThatThrownBy(() -> sinks.create(UUID.randomUUID(), "inbox", Channel.JMS))
                .isInstanceOf(TidingsException.class)
                .satisfies(e -> assertThat(((TidingsException) e).code()).isEqualTo(ErrorCode.BROKER_REFUSED))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("tidings-app-account")
                        .doesNotContain("mops.broker"));
    }
}
