package org.tidings.trust.boundary;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.tidings.audit.boundary.Audited;
import org.tidings.audit.entity.AuditTarget;
import org.tidings.platform.Listing;
import org.tidings.platform.TidingsException;
import org.tidings.provisioning.control.ChangeStore;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.sources.entity.Source;
import org.tidings.trust.control.TokenText;
import org.tidings.trust.entity.AccessToken;
import org.tidings.trust.entity.Administrator;
import org.tidings.trust.entity.PrincipalKind;
import org.tidings.trust.entity.Subscriber;

/**
 * Issuing and revoking bearer tokens. The text of a token exists only in the answer to its creation; what is stored
 * is its hash (docs/adr/0018). Every change is recorded in the change log, which every instance's token directory
 * follows.
 */
@Stateless
public class Tokens {

    /** A token just issued: the stored row, and its text, which nothing keeps. */
    public record Issued(AccessToken token, String text) implements AuditTarget {
        @Override
        public UUID id() {
            return token.id();
        }

        /** The token's summary: never its text. */
        @Override
        public String auditSummary() {
            return token.auditSummary();
        }

        @Override
        public String toString() {
            return "Issued[token=" + token.id() + ", text=(hidden)]";
        }
    }

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    ChangeStore changes;

    private final Clock clock = Clock.systemUTC();

    /**
     * A new random token for this principal, 404 if it does not exist. Its row is locked first, as its deletion locks
     * it (Administrators, Sources, Subscribers.delete), so that the later of the two sees the earlier: a token issued
     * while its principal was being deleted was missed by the deletion's revocation, and another instance's directory
     * could take it in while the principal still stood, and keep it valid after.
     */
    @Audited("token.create")
    public Issued issue(PrincipalKind kind, UUID principalId, String label, Instant expiresAt) {
        Class<?> principal = switch (kind) {
            case ADMINISTRATOR -> Administrator.class;
            case SOURCE -> Source.class;
            case SUBSCRIBER -> Subscriber.class;
        };
        if (em.find(principal, principalId, LockModeType.PESSIMISTIC_WRITE) == null) {
            throw TidingsException.notFound(kind.label(), principalId);
        }
        return issueWithText(kind, principalId, label, expiresAt, TokenText.generate());
    }

    /** A token with a text of the caller's (one read from configuration, checked for length by the caller). */
    @Audited("token.create")
    public Issued issueWithText(PrincipalKind kind, UUID principalId, String label, Instant expiresAt, String text) {
        var token = new AccessToken(TokenText.prefix(text), TokenText.hash(text), kind, principalId, label,
                clock.instant(), expiresAt);
        em.persist(token);
        changes.recorded(ChangeKind.TOKEN, token.id());
        return new Issued(token, text);
    }

    public List<AccessToken> of(PrincipalKind kind, UUID principalId) {
        return em.createNamedQuery(AccessToken.OF_PRINCIPAL, AccessToken.class).setParameter("kind", kind)
                .setParameter("id", principalId).getResultList();
    }

    /** A page of one principal's tokens. */
    public Listing<AccessToken> page(PrincipalKind kind, UUID principalId, Listing.Position after, int limit) {
        return Listing.read(em, AccessToken.class, "e.principalKind = :kind AND e.principalId = :id",
                Map.of("kind", kind, "id", principalId), after, limit,
                t -> new Listing.Position(t.createdAt(), t.id()));
    }

    /** Revokes one token of this principal; revoking a revoked one again changes nothing. */
    @Audited("token.revoke")
    public AccessToken revoke(PrincipalKind kind, UUID principalId, UUID tokenId) {
        AccessToken token = em.find(AccessToken.class, tokenId);
        if (token == null || token.principalKind() != kind || !token.principalId().equals(principalId)) {
            throw TidingsException.notFound("token", tokenId);
        }
        if (token.revoked()) {
            token.unchangedByThisCall();
        } else {
            token.revoke(clock.instant());
            changes.recorded(ChangeKind.TOKEN, token.id());
        }
        return token;
    }

    /** Revokes every token of a principal, in the caller's transaction: what deleting the principal does. */
    public void revokeAll(PrincipalKind kind, UUID principalId) {
        Instant now = clock.instant();
        List<UUID> revoked = of(kind, principalId).stream().filter(t -> !t.revoked()).peek(t -> t.revoke(now))
                .map(AccessToken::id).toList();
        changes.recorded(ChangeKind.TOKEN, revoked);
    }

    /** Notes when tokens were last used (a batch gathered in memory); an older time never replaces a newer one. */
    public void used(Map<UUID, Instant> lastUse) {
        lastUse.forEach((id, at) -> {
            AccessToken token = em.find(AccessToken.class, id);
            if (token != null) {
                token.used(at);
            }
        });
    }
}
