package org.tidings.sources.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import org.tidings.platform.BrokerManagement;

/**
 * The broker users Tidings provisions for sources (docs/adr/0021, "Provisioned by Tidings"): one per source, named
 * after it, role {@code tidings-source} only, created and changed through the broker's management API. A password
 * is made here, handed to the broker (which stores only its hash) and to the caller, and kept nowhere.
 */
@ApplicationScoped
public class BrokerAccounts {

    /** The one role a provisioned user has: send to tidings.events, nothing else (broker.xml). */
    public static final String ROLE = "tidings-source";
    private static final String PREFIX = "tidings-source-";
    private static final int PASSWORD_BYTES = 32; // 256 random bits

    private final SecureRandom random = new SecureRandom();

    @Inject
    BrokerManagement management;

    /** The name of the broker user Tidings provisions for the source. */
    public static String userFor(UUID source) {
        return PREFIX + source;
    }

    /**
     * Gives the user a new random password: adds the user, or if it exists already resets its password and role,
     * closes its connections and makes the broker forget its remembered logins, so the old password opens nothing
     * from now on. Returns the password, which nothing keeps.
     */
    public String provision(String user) throws JMSException {
        String password = newPassword();
        if (!management.addUser(user, password, ROLE)) {
            management.resetUser(user, password, ROLE);
            shut(user);
        }
        return password;
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
