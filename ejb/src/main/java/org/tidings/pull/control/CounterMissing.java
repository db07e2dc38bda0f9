package org.tidings.pull.control;

import jakarta.ejb.ApplicationException;
import java.util.UUID;

/** The subscription has no sequence counter yet: create it in a transaction of its own, then append again. */
@ApplicationException(rollback = true)
public class CounterMissing extends RuntimeException {

    public CounterMissing(UUID subscriptionId) {
        super("subscription " + subscriptionId + " has no sequence counter yet", null, false, false);
    }
}
