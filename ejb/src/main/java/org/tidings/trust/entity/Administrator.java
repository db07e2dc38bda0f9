package org.tidings.trust.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.tidings.audit.entity.AuditTarget;

/** A person or tool that administers Tidings, with one {@link AdminRole}. */
@Entity
@Table(name = "administrator")
@NamedQuery(name = Administrator.ALL, query = "SELECT a FROM Administrator a ORDER BY a.createdAt, a.id")
@NamedQuery(name = Administrator.IN_ROLE, query = "SELECT a FROM Administrator a WHERE a.role = :role ORDER BY a.id")
public class Administrator implements AuditTarget {

    public static final String ALL = "Administrator.all";
    public static final String IN_ROLE = "Administrator.inRole";

    @Id
    private UUID id;

    @Column(nullable = false, length = 200, unique = true)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 10)
    private AdminRole role;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Administrator() {
    }

    public Administrator(String name, AdminRole role, Instant now) {
        this.id = UUID.randomUUID();
        this.name = name;
        this.role = role;
        this.createdAt = now;
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public AdminRole role() {
        return role;
    }

    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public String auditSummary() {
        return "name=" + name + ", role=" + role.label();
    }
}
