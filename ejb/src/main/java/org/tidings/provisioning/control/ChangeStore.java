package org.tidings.provisioning.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.provisioning.entity.Change;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.provisioning.entity.ChangeNotice;
import org.tidings.provisioning.entity.ChangesSince;

/**
 * The change log (docs/adr/0010): every provisioning change gets the next generation and a log row in the changing
 * transaction. Incrementing the one generation row holds its lock until the change commits, so generations are
 * handed out in commit order with no gaps: once generation n is visible, every change up to n is.
 */
@ApplicationScoped
public class ChangeStore {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    Event<ChangeNotice> notices;

    /**
     * How long a change waits for the generation row while another change holds it, on PostgreSQL, which otherwise
     * waits without end (its {@code lock_timeout} is 0 by default): past it the change fails with 55P03, answered 409
     * {@code conflict}. H2 has its own bound, its session's lock timeout (2 s unless the URL sets another).
     */
    @Inject
    @ConfigProperty(name = "tidings.changes.lock-wait", defaultValue = "PT10S")
    Duration lockWait;

    @Inject
    @ConfigProperty(name = "tidings.db.url", defaultValue = "jdbc:h2:")
    String databaseUrl;

    private final Clock clock = Clock.systemUTC();

    /** Records, in the caller's transaction, that this row changed; see {@link #recorded(ChangeKind, Collection)}. */
    public void recorded(ChangeKind kind, UUID id) {
        recorded(kind, List.of(id));
    }

    /**
     * Records, in the caller's transaction, that these rows changed, one generation each, and fires a
     * {@link ChangeNotice} that observers see once the transaction has committed. Call it after the rows were
     * written: the generation row stays locked from here to the commit, and other changes wait for it.
     */
    public void recorded(ChangeKind kind, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return;
        }
        if (databaseUrl.startsWith("jdbc:postgresql:")) {
            // for the rest of this transaction only; at least 1 ms, since 0 would be no bound at all
            em.createNativeQuery("SET LOCAL lock_timeout = '" + Math.max(1, lockWait.toMillis()) + "ms'")
                    .executeUpdate();
        }
        em.createNativeQuery("UPDATE change_generation SET generation = generation + ?1 WHERE id = 1")
                .setParameter(1, ids.size()).executeUpdate();
        long last = latest();
        long generation = last - ids.size();
        Instant now = clock.instant();
        for (UUID id : ids) {
            em.persist(new Change(++generation, kind, id, now));
        }
        notices.fire(new ChangeNotice(last));
    }

    /** The latest committed generation (0 before the first change). */
    public long latest() {
        return ((Number) em.createNativeQuery("SELECT generation FROM change_generation WHERE id = 1")
                .getSingleResult()).longValue();
    }

    /** The changes after generation {@code after}, up to the latest committed one, read in that order. */
    public ChangesSince since(long after) {
        long latest = latest();
        List<Change> changes = after >= latest ? List.of() : em.createNamedQuery(Change.BETWEEN, Change.class)
                .setParameter("after", after).setParameter("upTo", latest).getResultList();
        return new ChangesSince(after, latest, changes);
    }

    /** Deletes, in the caller's transaction, log rows older than {@code before}; answers how many. */
    public int prunedBefore(Instant before) {
        return em.createNamedQuery(Change.OLDER_THAN).setParameter("before", before).executeUpdate();
    }
}
