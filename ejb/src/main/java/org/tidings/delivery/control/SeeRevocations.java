package org.tidings.delivery.control;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.tidings.trust.entity.SeeRevoked;

/** Once a see grant's revocation has committed, its subscriber's JMS sink queues are swept ({@link SinkQueueSweep}). */
@ApplicationScoped
public class SeeRevocations {

    @EJB
    SinkQueueSweep sweep;

    void revoked(@Observes(during = TransactionPhase.AFTER_SUCCESS) SeeRevoked revoked) {
        sweep.revoked(revoked.subscriber());
    }
}
