package org.tidings.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * The broker users Tidings provisions (docs/adr/0021, "Provisioned by Tidings"): one per source (role
 * {@code tidings-source}) and one per subscriber (a role of its own, which its sinks' queues let consume), named after
 * it, created and changed through the broker's management API. A password is made here, handed to the broker (which
 * stores only its hash) and to the caller, and kept nowhere.
 */
@ApplicationScoped
public class BrokerAccounts {

    /** The one role a source's user has: send to tidings.events, nothing else (broker.xml). */
    public static final String SOURCE_ROLE = "tidings-source";
    private static final String SOURCE_PREFIX = "tidings-source-";
    private static final String SUBSCRIBER_PREFIX = "tidings-subscriber-";
    private static final int PASSWORD_BYTES = 32; // 256 random bits
    /** How often provision tries to add or reset a user that others keep removing and adding. */
    private static final int ROUNDS = 3;

    private final SecureRandom random = new SecureRandom();

    @Inject
    BrokerManagement management;

    /** The name of the broker user Tidings provisions for the source. */
    public static String sourceUser(UUID source) {
        return SOURCE_PREFIX + source;
    }

    /** The name of the broker user Tidings provisions for the subscriber, and of its one role. */
    public static String subscriberUser(UUID subscriber) {
        return SUBSCRIBER_PREFIX + subscriber;
    }

    /**
     * Gives the user a new random password and only this role: adds the user, or if it exists already resets it,
     * closes its connections and makes the broker forget its remembered logins, so the old password opens nothing
     * from now on. A user removed between the two (a concurrent removal) is added again: the password returned is
     * always one the broker holds. Returns the password, which nothing keeps.
     */
    public String provision(String user, String role) throws JMSException {
        String password = newPassword();
        for (int round = 1; round <= ROUNDS; round++) {
            if (management.addUser(user, password, role)) {
                return password;
            }
            if (management.resetUser(user, password, role)) {
                shut(user);
                return password;
            }
        }
        throw new JMSException("broker user " + user + " was removed and added again by others while it was being "
                + "provisioned, " + ROUNDS + " times: retry");
    }

    /** Removes the user, if it exists, and shuts it out at once; true if it existed. */
    public boolean remove(String user) throws JMSException {
        boolean existed = management.removeUser(user);
        shut(user);
        return existed;
    }

    private void shut(String user) throws JMSException {
        management.clearAuthenticationCache();
        management.closeConnectionsForUser(user);
    }

    String newPassword() {
        byte[] bytes = new byte[PASSWORD_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
