package org.tidings.sources.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
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
import java.util.List;
import java.util.stream.Collectors;
import org.tidings.platform.SchemaReadiness;
import org.tidings.provisioning.control.ChangeStore;
import org.tidings.provisioning.control.LoadGate;
import org.tidings.provisioning.control.ViewFollower;
import org.tidings.provisioning.entity.CatchUp;
import org.tidings.provisioning.entity.Change;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.provisioning.entity.Staleness;
import org.tidings.sources.control.QuotaOverrides;
import org.tidings.sources.control.SourceUris;
import org.tidings.sources.entity.Source;
import org.tidings.sources.entity.SourceQuota;

/**
 * The provisioned source URIs, the broker users that speak for them and their own quotas, in memory, so that checking an event's
 * source and sender costs no database query. Loaded at
 * start and kept equal to the committed sources like the matching index: it catches up with the change log when
 * asked ({@link CatchUp}), re-reading each changed row, or reloads everything (docs/adr/0010).
 */
@Startup
@Singleton
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SourceDirectory {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    ChangeStore changes;

    private final SourceUris uris = new SourceUris();
    private final QuotaOverrides quotas = new QuotaOverrides();
    private final LoadGate gate = new LoadGate("source directory", LoadGate.DEFAULT_WAIT);
    private final ViewFollower follower =
            new ViewFollower("source directory", EnumSet.of(ChangeKind.SOURCE), Clock.systemUTC());
    private final ViewFollower.View directory = new ViewFollower.View() {
        @Override
        public void reloaded() {
            List<Source> all = em.createNamedQuery(Source.ALL, Source.class).getResultList();
            uris.replaced(all.stream().collect(Collectors.toMap(Source::id, Source::uri)), all.stream()
                    .filter(source -> source.brokerUser() != null)
                    .collect(Collectors.toMap(Source::id, Source::brokerUser)));
            quotas.replaced(all.stream().collect(Collectors.toMap(Source::id, Source::quota)));
            gate.opened();
        }

        @Override
        public void refreshed(Change change) {
            Source source = em.find(Source.class, change.entityId());
            if (source == null) {
                uris.absent(change.entityId());
            } else {
                uris.present(source.id(), source.uri(), source.brokerUser());
            }
            quotas.present(change.entityId(), source == null ? null : source.quota());
        }
    };

    /** Told when this singleton has started, on the deploying thread; the listeners wait for it. */
    @Inject
    SchemaReadiness readiness;

    /** An instance must not judge sources by a directory it could not load: the deployment fails instead. */
    @PostConstruct
    void load() {
        Staleness loaded = follower.caughtUp(changes, directory);
        if (loaded.failure() != null) {
            throw new IllegalStateException("source directory cannot be loaded: " + loaded.failure());
        }
        readiness.started("SourceDirectory");
    }

    /**
     * Whether a source holds this URI. Before the directory has been loaded once, waits for it, and throws
     * {@link LoadGate.NotLoaded} after {@link LoadGate#DEFAULT_WAIT}: an empty directory would refuse every event as from an unknown source.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public boolean provisioned(String uri) {
        gate.awaitOpen();
        return uris.provisioned(uri);
    }

    /**
     * The provisioned source this URI names, as the key all its spellings share (its normalized form), or null if
     * no source holds it. Waits for the first load as {@link #provisioned} does.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public String resolved(String uri) {
        gate.awaitOpen();
        return uris.resolved(uri);
    }

    /** The key (normalized URI) of the source with this id, or null if there is none. Waits as {@link #resolved} does. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public String resolvedOf(java.util.UUID id) {
        gate.awaitOpen();
        return uris.keyOf(id);
    }

    /** The ids of the sources holding this key (as {@link #resolved} gives it). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public java.util.Set<java.util.UUID> idsOf(String key) {
        gate.awaitOpen();
        return uris.idsOf(key);
    }

    /**
     * Whether broker user {@code user} speaks for the source with this key (as {@link #resolved} gives it). Waits
     * as {@link #resolved} does.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public boolean spokenForBy(String key, String user) {
        gate.awaitOpen();
        return uris.spokenForBy(key, user);
    }

    /** The quota of the source with this key (as {@link #resolved} gives it): its own, or the defaults. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public SourceQuota quotaOf(String key) {
        gate.awaitOpen();
        return quotas.of(uris.idsOf(key));
    }

    public void catchUp(@Observes CatchUp catchUp) {
        catchUp.reported(follower.caughtUp(changes, directory));
    }

    public Staleness staleness() {
        return follower.staleness();
    }
}
