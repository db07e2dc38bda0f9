package org.tidings.ingest.boundary;

import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.ingest.control.AcceptanceStore;
import org.tidings.ingest.entity.AcceptanceKey;
import org.tidings.ingest.entity.Claim;
import org.tidings.ingest.entity.Provenance;

/**
 * The duplicate window on the consuming side (docs/adr/0019): before an event is matched, its (source, id) is claimed
 * in the database, in a transaction of its own that commits before the forward. Committing first is what makes a
 * crash harmless: the broker redelivers the message, and the same message finds its own claim. A claim left by a
 * failed forward is released, so that the event can be accepted again. Each call is its own transaction; the event
 * path has no other (docs/adr/0007).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Acceptances {

    /** Tries of a claim that lost a race to insert the same key: the next try finds the winner's row. */
    static final int TRIES = 3;

    private static final Logger LOG = Logger.getLogger(Acceptances.class.getName());

    @Inject
    AcceptanceStore store;

    @Inject
    @ConfigProperty(name = "tidings.dedup.window", defaultValue = "PT24H")
    Duration window;

    /** False only to measure what security costs (bench/e2e secured_ratio): then no event is claimed. */
    @Inject
    @ConfigProperty(name = "tidings.security.enabled", defaultValue = "true")
    boolean enforced = true;

    @Resource
    SessionContext context;

    private final Clock clock = Clock.systemUTC();

    /** Claims the event for the message it came in; throws if the database cannot say (the message is redelivered). */
    public Claim claim(AcceptanceKey key, Provenance from) {
        if (!enforced) {
            return Claim.CLAIMED;
        }
        var self = context.getBusinessObject(Acceptances.class);
        String claimant = AcceptanceKey.claimant(from.messageId());
        for (int i = 1; ; i++) {
            Instant now = clock.instant();
            Claim claim = self.claimedOnce(key, claimant, from.redelivered(), now, now.minus(window));
            if (claim != null) {
                return claim;
            }
            if (i == TRIES) {
                throw new IllegalStateException("event " + key + " could not be claimed in " + TRIES + " tries");
            }
        }
    }

    /** One try in its own transaction; null if it failed (a race on the key), rolled back. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public Claim claimedOnce(AcceptanceKey key, String claimant, boolean redelivered, Instant now,
            Instant windowStart) {
        try {
            return store.claimed(key, claimant, redelivered, now, windowStart);
        } catch (PersistenceException e) {
            LOG.fine(() -> "claim of event " + key + " failed, tried again: " + e);
            context.setRollbackOnly();
            return null;
        }
    }

    /**
     * Lets the event be claimed afresh after this message failed to forward it. Best effort: if the release fails
     * too, the claim stays and the message's redelivery finds it as its own.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void release(AcceptanceKey key, Provenance from) {
        try {
            store.released(key, AcceptanceKey.claimant(from.messageId()));
        } catch (PersistenceException e) {
            LOG.warning(() -> "claim of event " + key + " not released after a failed forward: " + e);
            context.setRollbackOnly();
        }
    }
}
