package org.tidings.trust.boundary;

import io.cloudevents.CloudEvent;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.SchemaReadiness;
import org.tidings.provisioning.control.ChangeStore;
import org.tidings.provisioning.control.LoadGate;
import org.tidings.provisioning.control.ViewFollower;
import org.tidings.provisioning.entity.CatchUp;
import org.tidings.provisioning.entity.Change;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.provisioning.entity.Staleness;
import org.tidings.subscriptions.control.UriReach;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.trust.control.GrantRules;
import org.tidings.trust.control.UriSet;
import org.tidings.trust.entity.Grant;
import org.tidings.trust.entity.GrantKind;

/**
 * The grants in memory, as rules per principal and kind, so that the checks of S2S-11 cost no database query per
 * event: (b) and (c) for the source an event names, before matching, and (a) for the owner of every subscription an
 * event matches. Loaded at start and kept equal to the committed grants, and to the resource groups they name, through
 * the change log (docs/adr/0010, docs/adr/0022).
 */
@Startup
@Singleton
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class GrantDirectory {

    /** This view's name in the catch-up reports ({@link Staleness#view}). */
    public static final String VIEW = "grant directory";

    private record Key(UUID principalId, GrantKind kind) {
    }

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    ChangeStore changes;

    /** False only to measure what security costs (docs/adr/0018): then no grant is checked. */
    @Inject
    @ConfigProperty(name = "tidings.security.enabled", defaultValue = "true")
    boolean enforced = true;

    private final Map<UUID, Grant> grants = new HashMap<>();
    /**
     * What the resource groups the grants name hold, as committed, each built once and shared by the rules of every
     * principal whose grants name it (guarded by {@link #grants}'s lock).
     */
    private final Map<UUID, UriSet> groups = new HashMap<>();
    private volatile Map<Key, GrantRules> rules = Map.of();
    private final LoadGate gate = new LoadGate(VIEW, LoadGate.DEFAULT_WAIT);
    /** Follows the grants, and the groups they name: a group's new members are covered as soon as it is changed. */
    private final ViewFollower follower = new ViewFollower(VIEW,
            EnumSet.of(ChangeKind.GRANT, ChangeKind.GROUP), Clock.systemUTC());
    private final ViewFollower.View directory = new ViewFollower.View() {
        @Override
        public void reloaded() {
            synchronized (grants) {
                grants.clear();
                groups.clear();
                em.createNamedQuery(Grant.ALL, Grant.class).getResultList().forEach(g -> grants.put(g.id(), g));
                grants.values().forEach(this::groupsRead);
                rebuilt();
            }
            gate.opened();
        }

        @Override
        public void refreshed(Change change) {
            synchronized (grants) {
                if (change.kind() == ChangeKind.GROUP) {
                    if (!named(change.entityId())) {
                        return; // no grant names it: nothing to rebuild
                    }
                    ResourceGroup group = em.find(ResourceGroup.class, change.entityId());
                    if (group == null) {
                        groups.remove(change.entityId());
                    } else {
                        groups.put(group.id(), UriSet.of(group));
                    }
                } else {
                    Grant grant = em.find(Grant.class, change.entityId());
                    if (grant == null) {
                        grants.remove(change.entityId());
                    } else {
                        grants.put(grant.id(), grant);
                        groupsRead(grant);
                    }
                }
                rebuilt();
            }
        }

        /** Reads the groups the grant names that are not held yet (those held follow their own changes). */
        private void groupsRead(Grant grant) {
            for (UUID id : grant.groups()) {
                if (!groups.containsKey(id)) {
                    ResourceGroup group = em.find(ResourceGroup.class, id);
                    if (group != null) {
                        groups.put(id, UriSet.of(group));
                    }
                }
            }
        }

        private boolean named(UUID group) {
            return grants.values().stream().anyMatch(grant -> grant.groups().contains(group));
        }
    };

    /** Told when this singleton has started, on the deploying thread; the listeners wait for it. */
    @Inject
    SchemaReadiness readiness;

    /** An instance must not judge events by grants it could not load: the deployment fails instead. */
    @PostConstruct
    void load() {
        Staleness loaded = follower.caughtUp(changes, directory);
        if (loaded.failure() != null) {
            throw new IllegalStateException("grant directory cannot be loaded: " + loaded.failure());
        }
        readiness.started("GrantDirectory");
    }

    /**
     * Why the sources with these ids (those holding the event's source URI) may not send this event, or null if one
     * of them may: (b) its type must be granted ({@code type-not-granted}), (c) every URI it is about must be granted
     * to route ({@code subject-not-granted}).
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public ErrorCode refusal(Collection<UUID> sourceIds, CloudEvent event) {
        if (!enforced) {
            return null;
        }
        gate.awaitOpen();
        Map<Key, GrantRules> current = rules;
        boolean typeAllowed = false;
        List<String> uris = null;
        for (UUID source : sourceIds) {
            if (current.getOrDefault(new Key(source, GrantKind.SEND), GrantRules.NONE).allowsType(event.getType())) {
                typeAllowed = true;
                GrantRules route = current.getOrDefault(new Key(source, GrantKind.ROUTE), GrantRules.NONE);
                if (route.allowsEverything()) {
                    return null;
                }
                uris = uris == null ? UriReach.aboutUris(event) : uris;
                if (route.coversAll(uris)) {
                    return null;
                }
            }
        }
        return typeAllowed ? ErrorCode.SUBJECT_NOT_GRANTED : ErrorCode.TYPE_NOT_GRANTED;
    }

    /** What the subscriber may see: its see grants together (nothing without any). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public GrantRules seen(UUID subscriber) {
        if (!enforced) {
            return GrantRules.EVERYTHING;
        }
        gate.awaitOpen();
        return rules.getOrDefault(new Key(subscriber, GrantKind.SEE), GrantRules.NONE);
    }

    public void catchUp(@Observes CatchUp catchUp) {
        catchUp.reported(follower.caughtUp(changes, directory));
    }

    public Staleness staleness() {
        return follower.staleness();
    }

    /**
     * Recomputes every principal's rules from the grants held, and forgets the groups no grant names any longer (their
     * changes are not followed: a grant naming one again reads it afresh); called under the grants' lock.
     */
    private void rebuilt() {
        Set<UUID> named = new HashSet<>();
        grants.values().forEach(grant -> named.addAll(grant.groups()));
        groups.keySet().retainAll(named);
        Map<Key, List<Grant>> byKey = new HashMap<>();
        for (Grant grant : grants.values()) {
            byKey.computeIfAbsent(new Key(grant.principalId(), grant.kind()), k -> new ArrayList<>()).add(grant);
        }
        Map<Key, GrantRules> fresh = new ConcurrentHashMap<>();
        byKey.forEach((key, held) -> fresh.put(key, GrantRules.of(held, groups::get)));
        rules = fresh;
    }
}
