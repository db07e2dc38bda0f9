package org.tidings.trust.boundary;

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
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tidings.platform.SchemaReadiness;
import org.tidings.provisioning.control.ChangeStore;
import org.tidings.provisioning.control.LoadGate;
import org.tidings.provisioning.control.ViewFollower;
import org.tidings.provisioning.entity.CatchUp;
import org.tidings.provisioning.entity.Change;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.provisioning.entity.Staleness;
import org.tidings.sources.entity.Source;
import org.tidings.trust.control.Identity;
import org.tidings.trust.control.TokenIndex;
import org.tidings.trust.control.TokenText;
import org.tidings.trust.entity.AccessToken;
import org.tidings.trust.entity.Administrator;
import org.tidings.trust.entity.Subscriber;

/**
 * The valid bearer tokens, in memory, so that authenticating a request costs no database query. Loaded at start and
 * kept equal to the committed tokens through the change log like the other views (docs/adr/0010): a revocation on
 * any instance reaches this one with its change notice, and within the two-second catch-up period if the notice is
 * lost (docs/adr/0018). When a token was last used is noted in memory and written once a minute ({@link TokenLastUse}).
 */
@Startup
@Singleton
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class TokenDirectory {

    private static final Logger LOG = Logger.getLogger(TokenDirectory.class.getName());

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    ChangeStore changes;

    @EJB
    Tokens tokens;

    private final Clock clock = Clock.systemUTC();
    private final TokenIndex index = new TokenIndex();
    private final Map<UUID, Instant> usedSinceWritten = new ConcurrentHashMap<>();
    private final LoadGate gate = new LoadGate("token directory", LoadGate.DEFAULT_WAIT);
    private final ViewFollower follower =
            new ViewFollower("token directory", EnumSet.of(ChangeKind.TOKEN), Clock.systemUTC());
    private final ViewFollower.View directory = new ViewFollower.View() {
        @Override
        public void reloaded() {
            Map<String, Identity> all = new HashMap<>();
            for (AccessToken token : em.createNamedQuery(AccessToken.ALL_VALID, AccessToken.class).getResultList()) {
                Identity identity = identityOf(token);
                if (identity != null) {
                    all.put(token.hash(), identity);
                }
            }
            index.replaced(all);
            gate.opened();
        }

        @Override
        public void refreshed(Change change) {
            AccessToken token = em.find(AccessToken.class, change.entityId());
            Identity identity = token == null || token.revoked() ? null : identityOf(token);
            if (identity == null) {
                index.absent(change.entityId());
            } else {
                index.present(token.hash(), identity);
            }
        }
    };

    /** Told when this singleton has started, on the deploying thread; the listeners wait for it. */
    @Inject
    SchemaReadiness readiness;

    /** An instance must not authenticate from a directory it could not load: the deployment fails instead. */
    @PostConstruct
    void load() {
        Staleness loaded = follower.caughtUp(changes, directory);
        if (loaded.failure() != null) {
            throw new IllegalStateException("token directory cannot be loaded: " + loaded.failure());
        }
        readiness.started("TokenDirectory");
    }

    /**
     * Who this token speaks for, or null if it is no valid token: unknown, revoked, expired, or not even
     * plausible text. Waits for the first load as the source directory does.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Identity verified(String token) {
        if (!TokenText.plausible(token)) {
            return null;
        }
        gate.awaitOpen();
        Identity identity = index.identity(TokenText.hash(token));
        Instant now = clock.instant();
        if (identity == null || identity.expired(now)) {
            return null;
        }
        usedSinceWritten.put(identity.tokenId(), now);
        return identity;
    }

    /**
     * Whether the token that gave {@code identity} still gives exactly it: not revoked (nor its principal deleted),
     * not expired, its principal's roles unchanged. For what outlives the request that was authenticated, such as a
     * pull client waiting on a feed (docs/adr/0018).
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public boolean stillGives(Identity identity) {
        Identity now = index.byTokenId(identity.tokenId());
        return identity.equals(now) && !now.expired(clock.instant());
    }

    public void catchUp(@Observes CatchUp catchUp) {
        catchUp.reported(follower.caughtUp(changes, directory));
    }

    public Staleness staleness() {
        return follower.staleness();
    }

    /** Writes when tokens were last used; once a minute, from {@link TokenLastUse}. */
    public void writeLastUse() {
        if (usedSinceWritten.isEmpty()) {
            return;
        }
        Map<UUID, Instant> batch = new HashMap<>(usedSinceWritten);
        batch.forEach(usedSinceWritten::remove);
        try {
            tokens.used(batch);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "last use of tokens not written this time", e);
        }
    }

    /** The identity a valid token of an existing principal gives, or null if its principal is gone. */
    private Identity identityOf(AccessToken token) {
        Set<String> groups = switch (token.principalKind()) {
            case ADMINISTRATOR -> {
                Administrator administrator = em.find(Administrator.class, token.principalId());
                yield administrator == null ? null : administrator.role().groups();
            }
            case SOURCE -> em.find(Source.class, token.principalId()) == null ? null : Set.of(Identity.SOURCE_GROUP);
            case SUBSCRIBER ->
                    em.find(Subscriber.class, token.principalId()) == null ? null : Set.of(Identity.SUBSCRIBER_GROUP);
        };
        return groups == null ? null
                : new Identity(token.id(), token.principalKind(), token.principalId(), groups, token.expiresAt());
    }
}
