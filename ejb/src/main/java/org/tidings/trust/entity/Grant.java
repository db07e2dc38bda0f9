package org.tidings.trust.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.tidings.audit.entity.AuditTarget;
import org.tidings.subscriptions.entity.StringSetConverter;

/**
 * One grant of a trust relationship (S2S-11): a principal may send (types, type namespaces), route or see (subjects,
 * domains, URI prefixes, and what resource groups of the administrators hold) what it names, or everything of its
 * kind ({@code allAllowed}). Grants only allow.
 */
@Entity
@Table(name = "trust_grant")
@NamedQuery(name = Grant.ALL, query = "SELECT g FROM Grant g ORDER BY g.createdAt, g.id")
@NamedQuery(name = Grant.OF_PRINCIPAL, query = "SELECT g FROM Grant g WHERE g.principalKind = :kind "
        + "AND g.principalId = :id ORDER BY g.createdAt, g.id")
public class Grant implements AuditTarget {

    public static final String ALL = "Grant.all";
    public static final String OF_PRINCIPAL = "Grant.ofPrincipal";

    @Id
    private UUID id;

    @Enumerated(EnumType.STRING)
    @Column(name = "principal_kind", nullable = false, length = 20)
    private PrincipalKind principalKind;

    @Column(name = "principal_id", nullable = false)
    private UUID principalId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 10)
    private GrantKind kind;

    @Column(name = "all_allowed", nullable = false)
    private boolean allAllowed;

    @Convert(converter = StringSetConverter.class)
    @Column(nullable = false, length = 1_000_000)
    private Set<String> types;

    @Convert(converter = StringSetConverter.class)
    @Column(name = "type_prefixes", nullable = false, length = 1_000_000)
    private Set<String> typePrefixes;

    @Convert(converter = StringSetConverter.class)
    @Column(nullable = false, length = 1_000_000)
    private Set<String> subjects;

    @Convert(converter = StringSetConverter.class)
    @Column(name = "subject_domains", nullable = false, length = 1_000_000)
    private Set<String> subjectDomains;

    @Convert(converter = StringSetConverter.class)
    @Column(name = "subject_prefixes", nullable = false, length = 1_000_000)
    private Set<String> subjectPrefixes;

    /** Resource groups (their ids): what they hold now is covered, as their members and prefixes. */
    @Convert(converter = StringSetConverter.class)
    @Column(name = "group_ids", nullable = false, length = 1_000_000)
    private Set<String> groupIds;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Grant() {
    }

    public Grant(PrincipalKind principalKind, UUID principalId, GrantKind kind, boolean allAllowed, Set<String> types,
            Set<String> typePrefixes, Set<String> subjects, Set<String> subjectDomains, Set<String> subjectPrefixes,
            Instant now) {
        this(principalKind, principalId, kind, allAllowed, types, typePrefixes, subjects, subjectDomains,
                subjectPrefixes, Set.of(), now);
    }

    public Grant(PrincipalKind principalKind, UUID principalId, GrantKind kind, boolean allAllowed, Set<String> types,
            Set<String> typePrefixes, Set<String> subjects, Set<String> subjectDomains, Set<String> subjectPrefixes,
            Set<UUID> groups, Instant now) {
        this.id = UUID.randomUUID();
        this.principalKind = principalKind;
        this.principalId = principalId;
        this.kind = kind;
        this.allAllowed = allAllowed;
        this.types = Set.copyOf(types);
        this.typePrefixes = Set.copyOf(typePrefixes);
        this.subjects = Set.copyOf(subjects);
        this.subjectDomains = Set.copyOf(subjectDomains);
        this.subjectPrefixes = Set.copyOf(subjectPrefixes);
        this.groupIds = groups.stream().map(UUID::toString).collect(Collectors.toUnmodifiableSet());
        this.createdAt = now;
    }

    public UUID id() {
        return id;
    }

    public PrincipalKind principalKind() {
        return principalKind;
    }

    public UUID principalId() {
        return principalId;
    }

    public GrantKind kind() {
        return kind;
    }

    public boolean allAllowed() {
        return allAllowed;
    }

    public Set<String> types() {
        return types;
    }

    public Set<String> typePrefixes() {
        return typePrefixes;
    }

    public Set<String> subjects() {
        return subjects;
    }

    public Set<String> subjectDomains() {
        return subjectDomains;
    }

    public Set<String> subjectPrefixes() {
        return subjectPrefixes;
    }

    /** The resource groups it names. */
    public Set<UUID> groups() {
        return groupIds.stream().map(UUID::fromString).collect(Collectors.toUnmodifiableSet());
    }

    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public String auditSummary() {
        return "principal=" + principalKind.label() + ":" + principalId + ", kind=" + kind.label()
                + (allAllowed ? ", all" : "") + part("types", types) + part("typePrefixes", typePrefixes)
                + part("subjects", subjects) + part("subjectDomains", subjectDomains)
                + part("subjectPrefixes", subjectPrefixes) + part("groups", new TreeSet<>(groupIds));
    }

    private static String part(String name, Set<String> values) {
        return values.isEmpty() ? "" : ", " + name + "=" + values;
    }
}
