package org.tidings.sources.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.tidings.audit.entity.AuditTarget;

/**
 * A provisioned event source: a server whose events Tidings accepts. Its URI is the CloudEvents source. Over the
 * broker, its events are accepted only from its broker user (docs/adr/0021); over HTTP, from its tokens.
 */
@Entity
@Table(name = "source")
@NamedQuery(name = Source.ALL, query = "SELECT s FROM Source s ORDER BY s.createdAt, s.id")
@NamedQuery(name = Source.BY_URI, query = "SELECT s FROM Source s WHERE s.uri = :uri")
public class Source implements AuditTarget {

    public static final String ALL = "Source.all";
    public static final String BY_URI = "Source.byUri";

    @Id
    private UUID id;

    @Column(nullable = false, length = 200)
    private String name;

    @Column(nullable = false, length = 2000, unique = true)
    private String uri;

    @Column(length = 2000)
    private String description;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** The broker user that speaks for this source on the broker protocols, or null if none does. */
    @Column(name = "broker_user", length = 200)
    private String brokerUser;

    /** Its own quota (docs/adr/0017); Hibernate leaves it null when no part is set. */
    @Embedded
    private SourceQuota quota;

    protected Source() {
    }

    public Source(String name, String uri, String description, String brokerUser, Instant now) {
        this.id = UUID.randomUUID();
        this.name = name;
        this.uri = uri;
        this.description = description;
        this.brokerUser = brokerUser;
        this.createdAt = now;
    }

    /** From now on, events of this source are accepted over the broker only from {@code user} (null: from nobody). */
    public void spokenForBy(String user) {
        this.brokerUser = user;
    }

    /** From now on, this source has this quota (parts that are null: the defaults). */
    public void limitedTo(SourceQuota quota) {
        this.quota = quota.defaults() ? null : quota;
    }

    public SourceQuota quota() {
        return quota == null ? SourceQuota.DEFAULTS : quota;
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String uri() {
        return uri;
    }

    public String description() {
        return description;
    }

    public String brokerUser() {
        return brokerUser;
    }

    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public String auditSummary() {
        return "name=" + name + ", uri=" + uri;
    }
}
