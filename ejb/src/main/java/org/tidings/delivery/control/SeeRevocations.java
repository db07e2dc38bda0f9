package org.tidings.delivery.control;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Clock;
import org.tidings.trust.entity.SeeRevoked;

/**
 * A see grant's revocation owes its subscriber's JMS sink queues a sweep ({@link SinkQueueSweep}): recorded in the
 * revocation's own transaction ({@link SweepsOwed}), made once it has committed.
 */
@ApplicationScoped
public class SeeRevocations {

    @EJB
    SinkQueueSweep sweep;

    @Inject
    SweepsOwed owed;

    private final Clock clock = Clock.systemUTC();

    void owed(@Observes(during = TransactionPhase.IN_PROGRESS) SeeRevoked revoked) {
        owed.owed(revoked.subscriber(), clock.instant().plusSeconds(SinkQueueSweep.AGAIN_SECONDS));
    }

    void revoked(@Observes(during = TransactionPhase.AFTER_SUCCESS) SeeRevoked revoked) {
        sweep.revoked(revoked.subscriber());
    }
}
