package org.tidings.subscriptions.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.tidings.audit.entity.AuditTarget;

/**
 * A synchronization group (RUP-6): URIs a cache subscribes to as one. A URI belongs to the group if it is one of
 * the members or starts with one of the prefixes.
 */
@Entity
@Table(name = "resource_group")
@NamedQuery(name = ResourceGroup.ALL, query = "SELECT g FROM ResourceGroup g ORDER BY g.createdAt, g.id")
public class ResourceGroup implements AuditTarget {

    public static final String ALL = "ResourceGroup.all";

    @Id
    private UUID id;

    /** The subscriber that owns this, or null: the administrators' (docs/adr/0018). */
    @Column(name = "owner_id")
    private UUID ownerId;

    @Column(nullable = false, length = 200)
    private String name;

    @Convert(converter = StringSetConverter.class)
    @Column(nullable = false, length = 1_000_000)
    private Set<String> prefixes;

    @Convert(converter = StringSetConverter.class)
    @Column(nullable = false, length = 1_000_000)
    private Set<String> members;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Version
    private long version;

    protected ResourceGroup() {
    }

    public ResourceGroup(String name, Set<String> prefixes, Set<String> members, Instant now) {
        this.id = UUID.randomUUID();
        this.name = name;
        this.prefixes = Set.copyOf(prefixes);
        this.members = Set.copyOf(members);
        this.createdAt = now;
    }

    public void redefined(String newName, Set<String> newPrefixes, Set<String> newMembers) {
        this.name = newName;
        this.prefixes = Set.copyOf(newPrefixes);
        this.members = Set.copyOf(newMembers);
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Set<String> prefixes() {
        return prefixes;
    }

    public Set<String> members() {
        return members;
    }

    public Instant createdAt() {
        return createdAt;
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

    /** Its name and how many prefixes and members it has (the lists can be long). */
    @Override
    public String auditSummary() {
        return "name=" + name + ", prefixes=" + prefixes().size() + ", members=" + members().size();
    }
}
