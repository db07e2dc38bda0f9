package org.tidings.trust.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.persistence.EntityManager;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.platform.BrokerAccounts;
import org.tidings.platform.BrokerManagement;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.trust.control.OwnerLimits;
import org.tidings.trust.entity.PrincipalKind;
import org.tidings.trust.entity.Subscriber;

/**
 * Deleting a subscriber removes its broker user first (docs/adr/0021). A broker that keeps no users Tidings may
 * change does not stop the deletion; a broker that could not remove the user (it may still read the subscriber's
 * sink queues) does: nothing is deleted.
 */
class SubscriberDeletionTest {

    private final Subscriber subscriber = new Subscriber("reader", null, Instant.EPOCH);
    private final List<String> done = new ArrayList<>();
    private final Subscribers subscribers = new Subscribers();

    SubscriberDeletionTest() {
        subscribers.em = (EntityManager) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {EntityManager.class}, (proxy, called, args) -> switch (called.getName()) {
                    case "find" -> subscriber;
                    case "remove" -> {
                        done.add("removed");
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(called.getName());
                });
        subscribers.tokens = new Tokens() {
            @Override
            public void revokeAll(PrincipalKind kind, UUID principalId) {
                done.add("tokens revoked");
            }
        };
        subscribers.grants = new Grants() {
            @Override
            public void deleteAll(PrincipalKind kind, UUID principalId) {
                done.add("grants deleted");
            }
        };
        subscribers.limits = new OwnerLimits() {
            @Override
            public void requireNothingOwned(UUID owner) {
                done.add("owns nothing");
            }
        };
    }

    private void brokerRefuses(String reason) {
        subscribers.brokerAccounts = new BrokerAccounts() {
            @Override
            public boolean remove(String user) throws BrokerManagement.Refused {
                throw new BrokerManagement.Refused("the broker refused management request on broker: " + reason);
            }
        };
    }

    @Test
    void aBrokerWhoseUsersTidingsMayNotChangeDoesNotStopTheDeletion() {
        for (String reason : List.of(
                "AMQ229032: User: tidings does not have permission='EDIT' on address mops.broker.removeUser",
                "AMQ229222: Failed to find login module entry tidings from JAAS configuration",
                "AMQ229220: Failed to load user file: /etc/users.properties")) {
            done.clear();
            brokerRefuses(reason);
            subscribers.delete(subscriber.id());
            assertThat(done).as(reason).containsExactly("owns nothing", "tokens revoked", "grants deleted", "removed");
        }
    }

    @Test
    void aUserTheBrokerCouldNotRemoveKeepsTheSubscriber() {
        brokerRefuses("org.apache.commons.configuration2.ex.ConfigurationException: Unable to save to file");
        assertThatThrownBy(() -> subscribers.delete(subscriber.id())).isInstanceOf(TidingsException.class)
                .satisfies(e -> assertThat(((TidingsException) e).code()).isEqualTo(ErrorCode.BROKER_REFUSED));
        assertThat(done).containsExactly("owns nothing");
    }
}
