package org.tidings.subscriptions.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Collection;
import java.util.UUID;
import org.tidings.audit.entity.AuditTarget;

/** A sink's standing request for events: which ones (the filter) and where they go (the sink). */
@Entity
@Table(name = "subscription")
@NamedQuery(name = Subscription.ALL, query = "SELECT s FROM Subscription s ORDER BY s.createdAt, s.id")
@NamedQuery(name = Subscription.EXPIRED,
        query = "SELECT s.id FROM Subscription s WHERE s.expiresAt IS NOT NULL AND s.expiresAt <= :now")
@NamedQuery(name = Subscription.DELETE_EXPIRED,
        query = "DELETE FROM Subscription s WHERE s.id IN :ids AND s.expiresAt IS NOT NULL AND s.expiresAt <= :now")
@NamedQuery(name = Subscription.IDS_OF_SINK, query = "SELECT s.id FROM Subscription s WHERE s.sinkId = :sinkId")
public class Subscription implements AuditTarget {

    public static final String ALL = "Subscription.all";
    public static final String IDS_OF_SINK = "Subscription.idsOfSink";
    public static final String EXPIRED = "Subscription.expired";
    public static final String DELETE_EXPIRED = "Subscription.deleteExpired";

    @Id
    private UUID id;

    @Column(name = "sink_id", nullable = false)
    private UUID sinkId;

    /** Its sink's owner when it was created (a subscriber's id, or null: the administrators'); sinks keep theirs. */
    @Column(name = "owner_id")
    private UUID ownerId;

    @Convert(converter = FilterConverter.class)
    @Column(nullable = false, length = 65535)
    private Filter filter;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at")
    private Instant expiresAt;

    @Version
    private long version;

    protected Subscription() {
    }

    public Subscription(UUID sinkId, Filter filter, Instant expiresAt, Instant now) {
        this.id = UUID.randomUUID();
        this.sinkId = sinkId;
        this.filter = filter;
        this.expiresAt = expiresAt;
        this.createdAt = now;
    }

    public void changed(Filter newFilter, Instant newExpiry) {
        this.filter = newFilter;
        this.expiresAt = newExpiry;
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    public UUID id() {
        return id;
    }

    public UUID sinkId() {
        return sinkId;
    }

    public Filter filter() {
        return filter;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public long version() {
        return version;
    }

    public UUID ownerId() {
        return ownerId;
    }

    public void ownedBy(UUID owner) {
        this.ownerId = owner;
    }

    /** Its sink, the parts of its filter that are set, and its expiry. */
    @Override
    public String auditSummary() {
        var summary = new StringBuilder("sink=").append(sinkId);
        var f = filter();
        part(summary, "types", f.types());
        part(summary, "typePrefixes", f.typePrefixes());
        part(summary, "sources", f.sources());
        part(summary, "subjects", f.subjects());
        part(summary, "subjectDomains", f.subjectDomains());
        part(summary, "subjectPrefixes", f.subjectPrefixes());
        part(summary, "groups", f.groups());
        if (f.expression() != null) {
            summary.append(", expression=").append(f.expression());
        }
        if (expiresAt != null) {
            summary.append(", expiresAt=").append(expiresAt);
        }
        return summary.toString();
    }

    private static void part(StringBuilder summary, String name, Collection<?> values) {
        if (!values.isEmpty()) {
            summary.append(", ").append(name).append('=').append(values);
        }
    }
}
