package org.tidings.provisioning.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * "At generation n, this source, subscription or group changed": one row of the change log, written in the changing
 * transaction. It carries no state on purpose: the row itself is the truth, so re-reading it is always right,
 * however late or often.
 */
@Entity
@Table(name = "change_log")
@NamedQuery(name = Change.BETWEEN,
        query = "SELECT c FROM Change c WHERE c.generation > :after AND c.generation <= :upTo ORDER BY c.generation")
@NamedQuery(name = Change.OLDER_THAN, query = "DELETE FROM Change c WHERE c.changedAt < :before")
public class Change {

    public static final String BETWEEN = "Change.between";
    public static final String OLDER_THAN = "Change.olderThan";

    @Id
    private long generation;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    private ChangeKind kind;

    @Column(name = "entity_id", nullable = false)
    private UUID entityId;

    @Column(name = "changed_at", nullable = false)
    private Instant changedAt;

    protected Change() {
    }

    public Change(long generation, ChangeKind kind, UUID entityId, Instant changedAt) {
        this.generation = generation;
        this.kind = kind;
        this.entityId = entityId;
        this.changedAt = changedAt;
    }

    public long generation() {
        return generation;
    }

    public ChangeKind kind() {
        return kind;
    }

    public UUID entityId() {
        return entityId;
    }

    public Instant changedAt() {
        return changedAt;
    }
}
