package org.tidings.audit.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One administrative change, written in the transaction that made it (docs/adr/0020): who made it (the caller
 * principal's name), what (an action such as {@code sink.create} on a target), when, and a short summary that never
 * holds a secret. Never changed once written; deleted only by the retention.
 */
@Entity
@Table(name = "audit_log")
@NamedQuery(name = AuditRecord.MADE_BEFORE,
        query = "SELECT r.id FROM AuditRecord r WHERE r.changedAt < :before") // any of them: all go, batch by batch
@NamedQuery(name = AuditRecord.DELETE_IDS, query = "DELETE FROM AuditRecord r WHERE r.id IN :ids")
public class AuditRecord {

    public static final String MADE_BEFORE = "AuditRecord.madeBefore";
    public static final String DELETE_IDS = "AuditRecord.deleteIds";

    public static final int ACTOR_CHARS = 200;
    public static final int SUMMARY_CHARS = 1000;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "changed_at", nullable = false)
    private Instant changedAt;

    @Column(nullable = false, length = ACTOR_CHARS)
    private String actor;

    @Column(nullable = false, length = 60)
    private String action;

    @Column(name = "target_type", nullable = false, length = 30)
    private String targetType;

    @Column(name = "target_id", length = 100)
    private String targetId;

    @Column(length = SUMMARY_CHARS)
    private String summary;

    protected AuditRecord() {
    }

    /** A record of {@code change}, made by {@code actor} at {@code now}; an overlong actor name is cut. */
    public AuditRecord(String actor, AuditedChange change, Instant now) {
        this.actor = cut(actor == null || actor.isEmpty() ? "(none)" : actor, ACTOR_CHARS);
        this.action = change.action();
        this.targetType = change.targetType();
        this.targetId = change.targetId();
        this.summary = change.summary();
        this.changedAt = now;
    }

    static String cut(String text, int chars) {
        return text.length() <= chars ? text : text.substring(0, chars - 1) + "…";
    }

    public Long id() {
        return id;
    }

    public Instant changedAt() {
        return changedAt;
    }

    public String actor() {
        return actor;
    }

    public String action() {
        return action;
    }

    public String targetType() {
        return targetType;
    }

    public String targetId() {
        return targetId;
    }

    public String summary() {
        return summary;
    }
}
