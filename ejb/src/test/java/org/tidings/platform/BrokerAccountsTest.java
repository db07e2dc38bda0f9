package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What Tidings asks the broker to do for a source's broker user, against a broker that keeps users in a map. */
class BrokerAccountsTest {

    private final Map<String, String> users = new HashMap<>();
    private final List<String> calls = new ArrayList<>();
    private final BrokerAccounts accounts = new BrokerAccounts();
    /** Users someone else removes right after Tidings found they exist (a concurrent DELETE), once each. */
    private final List<String> removedConcurrently = new ArrayList<>();

    BrokerAccountsTest() {
        accounts.management = new BrokerManagement() {
            @Override
            public boolean addUser(String user, String password, String role) {
                calls.add("addUser " + user + " " + role);
                boolean added = users.putIfAbsent(user, password) == null;
                if (!added && removedConcurrently.remove(user)) {
                    users.remove(user);
                }
                return added;
            }

            @Override
            public boolean resetUser(String user, String password, String role) {
                calls.add("resetUser " + user + " " + role);
                return users.replace(user, password) != null;
            }

            @Override
            public boolean removeUser(String user) {
                calls.add("removeUser " + user);
                return users.remove(user) != null;
            }

            @Override
            public void closeConnectionsForUser(String user) {
                calls.add("closeConnectionsForUser " + user);
            }

            @Override
            public void clearAuthenticationCache() {
                calls.add("clearAuthenticationCache");
            }
        };
    }

    @Test
    void aSourcesUserIsNamedAfterItAndHasTheSourceRoleOnly() throws JMSException {
        UUID source = UUID.fromString("5d0c1f7e-0000-4000-8000-000000000001");
        String user = BrokerAccounts.sourceUser(source);
        assertThat(user).isEqualTo("tidings-source-5d0c1f7e-0000-4000-8000-000000000001");
        String password = accounts.provision(user, BrokerAccounts.SOURCE_ROLE);
        assertThat(users).containsEntry(user, password);
        assertThat(calls).containsExactly("addUser " + user + " tidings-source");
    }

    @Test
    void aSubscribersUserIsNamedAfterItAndSoIsItsRole() {
        UUID subscriber = UUID.fromString("5d0c1f7e-0000-4000-8000-000000000002");
        assertThat(BrokerAccounts.subscriberUser(subscriber))
                .isEqualTo("tidings-subscriber-5d0c1f7e-0000-4000-8000-000000000002");
    }

    @Test
    void passwordsHave256RandomBitsAndAreNeverTheSameTwice() {
        String one = accounts.newPassword();
        assertThat(one).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(accounts.newPassword()).isNotEqualTo(one);
    }

    @Test
    void provisioningAnExistingUserResetsItsPasswordAndShutsTheOldOneOut() throws JMSException {
        String user = BrokerAccounts.sourceUser(UUID.randomUUID());
        String first = accounts.provision(user, BrokerAccounts.SOURCE_ROLE);
        calls.clear();
        String second = accounts.provision(user, BrokerAccounts.SOURCE_ROLE);
        assertThat(second).isNotEqualTo(first);
        assertThat(users).containsEntry(user, second);
        assertThat(calls).containsExactly("addUser " + user + " tidings-source", "resetUser " + user + " tidings-source",
                "clearAuthenticationCache", "closeConnectionsForUser " + user);
    }

    @Test
    void removingAUserShutsItOutAndIsHarmlessWhenItIsNotThere() throws JMSException {
        String user = BrokerAccounts.sourceUser(UUID.randomUUID());
        accounts.provision(user, BrokerAccounts.SOURCE_ROLE);
        calls.clear();
        assertThat(accounts.remove(user)).isTrue();
        assertThat(users).doesNotContainKey(user);
        assertThat(calls).containsExactly("removeUser " + user, "clearAuthenticationCache",
                "closeConnectionsForUser " + user);
        assertThat(accounts.remove(user)).isFalse();
    }

    @Test
    void aUserRemovedWhileItIsBeingResetIsAddedAgainSoThePasswordAnsweredOpensIt() throws JMSException {
        String user = BrokerAccounts.sourceUser(UUID.randomUUID());
        accounts.provision(user, BrokerAccounts.SOURCE_ROLE);
        calls.clear();
        removedConcurrently.add(user);
        String password = accounts.provision(user, BrokerAccounts.SOURCE_ROLE);
        assertThat(users).containsEntry(user, password);
        assertThat(calls).containsExactly("addUser " + user + " tidings-source", "resetUser " + user + " tidings-source",
                "addUser " + user + " tidings-source");
    }
}
