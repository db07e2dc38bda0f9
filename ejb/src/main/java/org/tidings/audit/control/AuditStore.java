package org.tidings.audit.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.tidings.audit.entity.AuditQuery;
import org.tidings.audit.entity.AuditRecord;
import org.tidings.audit.entity.AuditedChange;

/**
 * The audit log's table (docs/adr/0020), always in the caller's transaction. Reads are newest first by
 * (changed_at, id), a page starting after the last record of the one before (keyset): each reads one range of an
 * index that leads with its equality filter (actor, target or action; the time index without one).
 */
@ApplicationScoped
public class AuditStore {

    /** The open end of a time range: later than any record's time. */
    private static final Instant FAR_FUTURE = Instant.parse("9999-01-01T00:00:00Z");

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    Clock clock = Clock.systemUTC();

    /** Writes the record of {@code change} made by {@code actor}, now, in the caller's transaction. */
    public void recorded(String actor, AuditedChange change) {
        em.persist(new AuditRecord(actor, change, clock.instant()));
    }

    /** The page {@code query} asks for; empty if the record it starts after is no longer kept. */
    public List<AuditRecord> page(AuditQuery query) {
        AuditRecord last = null;
        if (query.before() != null) {
            last = em.find(AuditRecord.class, query.before());
            if (last == null) {
                return List.of(); // pruned: so is everything older
            }
        }
        Instant to = query.to() != null ? query.to() : FAR_FUTURE;
        // one upper bound on the time, the end of the index range (given two, H2 took the looser one for it); the OR
        // skips the previous page's last record and those of the same time before it
        boolean fromCursor = last != null && last.changedAt().isBefore(to);
        var jpql = new StringBuilder("SELECT r FROM AuditRecord r WHERE r.changedAt >= :from AND r.changedAt ")
                .append(fromCursor ? "<= :upTo" : "< :upTo");
        if (query.actor() != null) {
            jpql.append(" AND r.actor = :actor");
        }
        if (query.targetId() != null) {
            jpql.append(" AND r.targetId = :target");
        }
        if (query.action() != null) {
            jpql.append(" AND r.action = :action");
        }
        if (last != null) {
            jpql.append(" AND (r.changedAt < :lastAt OR r.id < :lastId)");
        }
        jpql.append(" ORDER BY r.changedAt DESC, r.id DESC");
        var select = em.createQuery(jpql.toString(), AuditRecord.class)
                .setParameter("from", query.from() != null ? query.from() : Instant.EPOCH)
                .setParameter("upTo", fromCursor ? last.changedAt() : to);
        if (query.actor() != null) {
            select.setParameter("actor", query.actor());
        }
        if (query.targetId() != null) {
            select.setParameter("target", query.targetId());
        }
        if (query.action() != null) {
            select.setParameter("action", query.action());
        }
        if (last != null) {
            select.setParameter("lastAt", last.changedAt()).setParameter("lastId", last.id());
        }
        return select.setMaxResults(query.limit()).getResultList();
    }

    /** Deletes up to {@code batch} of the records made before {@code before}; answers how many. */
    public int prunedBatch(Instant before, int batch) {
        List<Long> ids = em.createNamedQuery(AuditRecord.MADE_BEFORE, Long.class).setParameter("before", before)
                .setMaxResults(batch).getResultList();
        if (ids.isEmpty()) {
            return 0;
        }
        return em.createNamedQuery(AuditRecord.DELETE_IDS).setParameter("ids", ids).executeUpdate();
    }
}
