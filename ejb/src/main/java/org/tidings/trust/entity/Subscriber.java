package org.tidings.trust.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import java.util.UUID;
import org.tidings.audit.entity.AuditTarget;

/** A party that owns subscriptions and sinks: a notification service, a cache operator, a client, a relay. */
@Entity
@Table(name = "subscriber")
@NamedQuery(name = Subscriber.ALL, query = "SELECT s FROM Subscriber s ORDER BY s.createdAt, s.id")
public class Subscriber implements AuditTarget {

    public static final String ALL = "Subscriber.all";

    @Id
    private UUID id;

    @Column(nullable = false, length = 200, unique = true)
    private String name;

    @Column(length = 2000)
    private String description;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** Set by a call that changed nothing, for the audit; never stored. */
    @Transient
    private boolean unchanged;

    protected Subscriber() {
    }

    public Subscriber(String name, String description, Instant now) {
        this.id = UUID.randomUUID();
        this.name = name;
        this.description = description;
        this.createdAt = now;
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public String auditSummary() {
        return "name=" + name;
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
