package org.tidings.trust.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;
import org.tidings.audit.entity.AuditTarget;

/**
 * A bearer token of one principal, as stored: the SHA-256 of its text, never the text, and a short prefix of the
 * text that is not secret, to tell tokens apart in lists. Revoked tokens are kept (revoked_at set) for the record.
 */
@Entity
@Table(name = "access_token")
// An update writes only the columns it changed: the minute's last-use write (Tokens.used), which read the row before
// a revocation committed, wrote it back whole and so undid the revocation (revoked_at null again).
@DynamicUpdate
@NamedQuery(name = AccessToken.ALL_VALID, query = "SELECT t FROM AccessToken t WHERE t.revokedAt IS NULL")
@NamedQuery(name = AccessToken.OF_PRINCIPAL, query = "SELECT t FROM AccessToken t "
        + "WHERE t.principalKind = :kind AND t.principalId = :id ORDER BY t.createdAt, t.id")
public class AccessToken implements AuditTarget {

    public static final String ALL_VALID = "AccessToken.allValid";
    public static final String OF_PRINCIPAL = "AccessToken.ofPrincipal";

    @Id
    private UUID id;

    @Column(nullable = false, length = 20)
    private String prefix;

    @Column(nullable = false, length = 64, unique = true)
    private String hash;

    @Enumerated(EnumType.STRING)
    @Column(name = "principal_kind", nullable = false, length = 20)
    private PrincipalKind principalKind;

    @Column(name = "principal_id", nullable = false)
    private UUID principalId;

    @Column(length = 200)
    private String label;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at")
    private Instant expiresAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    /** Set by a call that changed nothing, for the audit; never stored. */
    @Transient
    private boolean unchanged;

    protected AccessToken() {
    }

    public AccessToken(String prefix, String hash, PrincipalKind kind, UUID principalId, String label, Instant now,
            Instant expiresAt) {
        this.id = UUID.randomUUID();
        this.prefix = prefix;
        this.hash = hash;
        this.principalKind = kind;
        this.principalId = principalId;
        this.label = label;
        this.createdAt = now;
        this.expiresAt = expiresAt;
    }

    public UUID id() {
        return id;
    }

    public String prefix() {
        return prefix;
    }

    public String hash() {
        return hash;
    }

    public PrincipalKind principalKind() {
        return principalKind;
    }

    public UUID principalId() {
        return principalId;
    }

    public String label() {
        return label;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public Instant revokedAt() {
        return revokedAt;
    }

    public Instant lastUsedAt() {
        return lastUsedAt;
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    public void revoke(Instant now) {
        if (revokedAt == null) {
            revokedAt = now;
        }
    }

    public void used(Instant at) {
        if (lastUsedAt == null || at.isAfter(lastUsedAt)) {
            lastUsedAt = at;
        }
    }

    @Override
    public String auditSummary() {
        return "prefix=" + prefix + ", principal=" + principalKind.label() + ":" + principalId
                + (label == null ? "" : ", label=" + label) + (expiresAt == null ? "" : ", expiresAt=" + expiresAt)
                + (revokedAt == null ? "" : ", revoked");
    }

    /** This call changed nothing on it: its audited method leaves no record ({@link AuditTarget#auditedChangeMade}). */
    public void unchangedByThisCall() {
        unchanged = true;
    }

    @Override
    public boolean auditedChangeMade() {
        return !unchanged;
    }
}
