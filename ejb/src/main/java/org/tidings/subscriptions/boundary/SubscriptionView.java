package org.tidings.subscriptions.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.EnumSet;
import org.tidings.platform.SchemaReadiness;
import org.tidings.provisioning.control.ChangeStore;
import org.tidings.provisioning.control.ViewFollower;
import org.tidings.provisioning.entity.CatchUp;
import org.tidings.provisioning.entity.Change;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.provisioning.entity.Staleness;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.subscriptions.entity.Subscription;

/**
 * Keeps {@link Matching}'s index equal to the committed subscriptions and groups: loads them at start and catches
 * up with the change log whenever asked ({@link CatchUp}), re-reading each changed row, or reloading everything
 * when the log no longer reaches back to the generation the index reflects. Reads run without a transaction: they
 * only read committed rows, and a failed read leaves the index as it was (docs/adr/0010).
 */
@Startup
@Singleton
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SubscriptionView {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    ChangeStore changes;

    @EJB
    Matching matching;

    private final Clock clock = Clock.systemUTC();
    private final ViewFollower follower =
            new ViewFollower("matching index", EnumSet.of(ChangeKind.SUBSCRIPTION, ChangeKind.GROUP), clock);
    private final ViewFollower.View index = new ViewFollower.View() {
        @Override
        public void reloaded() {
            matching.reloaded(em.createNamedQuery(ResourceGroup.ALL, ResourceGroup.class).getResultList(),
                    em.createNamedQuery(Subscription.ALL, Subscription.class).getResultList(), clock.instant());
        }

        @Override
        public void refreshed(Change change) {
            if (change.kind() == ChangeKind.GROUP) {
                matching.groupRead(change.entityId(), em.find(ResourceGroup.class, change.entityId()));
            } else {
                matching.subscriptionRead(change.entityId(), em.find(Subscription.class, change.entityId()),
                        clock.instant());
            }
        }
    };

    /** Told when this singleton has started, on the deploying thread; the listeners wait for it. */
    @Inject
    SchemaReadiness readiness;

    /** An instance must not match with an index it could not load: the deployment fails instead. */
    @PostConstruct
    void load() {
        Staleness loaded = follower.caughtUp(changes, index);
        if (loaded.failure() != null) {
            throw new IllegalStateException("matching index cannot be loaded: " + loaded.failure());
        }
        readiness.started("SubscriptionView");
    }

    public void catchUp(@Observes CatchUp catchUp) {
        catchUp.reported(follower.caughtUp(changes, index));
        matching.expiredDropped(clock.instant());
    }

    public Staleness staleness() {
        return follower.staleness();
    }
}
