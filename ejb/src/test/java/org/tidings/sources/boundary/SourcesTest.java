package org.tidings.sources.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import jakarta.jms.JMSException;
import org.junit.jupiter.api.Test;
import org.tidings.platform.BrokerManagement;
import org.tidings.platform.BrokerAccounts;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.provisioning.control.ChangeStore;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.sources.entity.Source;
import org.tidings.trust.boundary.Grants;
import org.tidings.trust.boundary.Tokens;
import org.tidings.trust.entity.PrincipalKind;

/**
 * A source's URI, in its normal form, names one source: events are told apart by it, and a source's token and
 * grants are found through it. Two sources holding one normal form would each speak for the other and add up
 * their grants.
 */
class SourcesTest {

    private final List<Source> stored = new ArrayList<>();
    private final Sources sources = new Sources();

    SourcesTest() {
        sources.em = (EntityManager) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {EntityManager.class}, (proxy, called, args) -> switch (called.getName()) {
                    case "createNamedQuery" -> query((String) args[0]);
                    case "find" -> stored.stream().filter(s -> s.id().equals(args[1])).findFirst().orElse(null);
                    case "persist" -> {
                        stored.add((Source) args[0]);
                        yield null;
                    }
                    case "remove" -> {
                        stored.remove(args[0]);
                        yield null;
                    }
                    case "flush" -> null;
                    default -> throw new UnsupportedOperationException(called.getName());
                });
    }

    @SuppressWarnings("unchecked")
    private TypedQuery<Source> query(String name) {
        Object[] uri = new Object[1];
        return (TypedQuery<Source>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {TypedQuery.class}, (proxy, called, args) -> switch (called.getName()) {
                    case "setParameter" -> {
                        uri[0] = args[1];
                        yield proxy;
                    }
                    case "getResultList" -> name.equals(Source.BY_URI)
                            ? stored.stream().filter(s -> s.uri().equals(uri[0])).toList() : List.copyOf(stored);
                    case "getResultStream" -> name.equals(Source.BY_URI)
                            ? stored.stream().filter(s -> s.uri().equals(uri[0])) : stored.stream();
                    default -> throw new UnsupportedOperationException(called.getName());
                });
    }

    @Test
    void aUriEquivalentToAProvisionedOnesIsAConflict() {
        stored.add(new Source("a", "https://a.example/events", null, null, Instant.EPOCH));
        assertThatThrownBy(() -> sources.create("b", "HTTPS://A.Example:443/events", null, null))
                .isInstanceOf(TidingsException.class)
                .satisfies(e -> assertThat(((TidingsException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(stored).hasSize(1);
    }

    @Test
    void whenTheBrokerCannotMakeTheSourcesUserNothingChangesAndTheCodeSaysWhy() {
        Source source = new Source("a", "https://a.example/events", null, "mail-store", Instant.EPOCH);
        stored.add(source);
        for (var failure : List.of(new JMSException("no connection"),
                new BrokerManagement.Refused("AMQ229220: Failed to load user file"))) {
            sources.brokerAccounts = new BrokerAccounts() {
                @Override
                public String provision(String user, String role) throws JMSException {
                    throw failure;
                }

                @Override
                public boolean remove(String user) throws JMSException {
                    throw failure;
                }
            };
            ErrorCode expected = failure instanceof BrokerManagement.Refused ? ErrorCode.BROKER_REFUSED
                    : ErrorCode.BROKER_UNAVAILABLE;
            UUID id = source.id();
            assertThatThrownBy(() -> sources.provisionBrokerUser(id)).isInstanceOf(TidingsException.class)
                    .satisfies(e -> assertThat(((TidingsException) e).code()).isEqualTo(expected));
            assertThatThrownBy(() -> sources.removeBrokerUser(id)).isInstanceOf(TidingsException.class)
                    .satisfies(e -> assertThat(((TidingsException) e).code()).isEqualTo(expected));
            assertThat(source.brokerUser()).isEqualTo("mail-store");
        }
    }

    @Test
    void deletingASourceRemovesTheUserTidingsMadeForItEvenIfItNamesAnotherNow() {
        Source source = new Source("a", "https://a.example/events", null, "mail-store", Instant.EPOCH);
        stored.add(source);
        List<String> brokerUsers = new ArrayList<>(List.of(BrokerAccounts.sourceUser(source.id()), "mail-store"));
        sources.brokerAccounts = new BrokerAccounts() {
            @Override
            public boolean remove(String user) {
                return brokerUsers.remove(user);
            }
        };
        nothingElseToDoOnDeletion();
        sources.delete(source.id());
        assertThat(stored).isEmpty();
        assertThat(brokerUsers).containsExactly("mail-store");
    }

    @Test
    void aBrokerThatKeepsNoUsersOfTidingsDoesNotStopDeletingASourceThatNamesAnother() {
        Source source = new Source("a", "https://a.example/events", null, "mail-store", Instant.EPOCH);
        stored.add(source);
        sources.brokerAccounts = new BrokerAccounts() {
            @Override
            public boolean remove(String user) throws BrokerManagement.Refused {
                throw new BrokerManagement.Refused("AMQ229222: Failed to find login module entry tidings");
            }
        };
        nothingElseToDoOnDeletion();
        sources.delete(source.id());
        assertThat(stored).isEmpty();
    }

    /** Tokens, grants and change notices: what deleting a source does besides, not under test here. */
    private void nothingElseToDoOnDeletion() {
        sources.tokens = new Tokens() {
            @Override
            public void revokeAll(PrincipalKind kind, UUID principalId) {
            }
        };
        sources.grants = new Grants() {
            @Override
            public void deleteAll(PrincipalKind kind, UUID principalId) {
            }
        };
        sources.changes = new ChangeStore() {
            @Override
            public void recorded(ChangeKind kind, UUID id) {
            }
        };
    }
}
