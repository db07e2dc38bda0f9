package org.tidings.trust.boundary;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.tidings.audit.boundary.Audited;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.Listing;
import org.tidings.platform.TidingsException;
import org.tidings.trust.entity.AdminRole;
import org.tidings.trust.entity.Administrator;
import org.tidings.trust.entity.PrincipalKind;

/** Provisioning of administrators. The last administrator with the admin role cannot be deleted. */
@Stateless
public class Administrators {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @EJB
    Tokens tokens;

    private final Clock clock = Clock.systemUTC();

    @Audited("administrator.create")
    public Administrator create(String name, AdminRole role) {
        if (byName(name).isPresent()) {
            throw new TidingsException(ErrorCode.CONFLICT, "an administrator named " + name + " exists already");
        }
        var administrator = new Administrator(name, role, clock.instant());
        em.persist(administrator);
        return administrator;
    }

    /** A page of all administrators. */
    public Listing<Administrator> page(Listing.Position after, int limit) {
        return Listing.read(em, Administrator.class, null, Map.of(), after, limit,
                r -> new Listing.Position(r.createdAt(), r.id()));
    }

    public Administrator find(UUID id) {
        return Optional.ofNullable(em.find(Administrator.class, id))
                .orElseThrow(() -> TidingsException.notFound("administrator", id));
    }

    public boolean anyExists() {
        return !em.createNamedQuery(Administrator.ALL, Administrator.class).setMaxResults(1).getResultList()
                .isEmpty();
    }

    /**
     * Deletes an administrator and revokes its tokens; the last one with the admin role stays (409). Every admin's
     * row is locked first, in one order, so that two admins deleting each other at once are taken one after the
     * other and the second finds itself the last (a lock on a count locks nothing: Hibernate 6.6 locks no rows for an
     * aggregate query).
     */
    @Audited("administrator.delete")
    public void delete(UUID id) {
        List<Administrator> admins = em.createNamedQuery(Administrator.IN_ROLE, Administrator.class)
                .setParameter("role", AdminRole.ADMIN).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
        Administrator administrator = em.find(Administrator.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (administrator == null) {
            throw TidingsException.notFound("administrator", id);
        }
        if (administrator.role() == AdminRole.ADMIN && admins.size() <= 1) {
            throw new TidingsException(ErrorCode.CONFLICT,
                    "this is the last administrator with the admin role: create another one first");
        }
        tokens.revokeAll(PrincipalKind.ADMINISTRATOR, id);
        em.remove(administrator);
    }

    private Optional<Administrator> byName(String name) {
        return everything().stream().filter(a -> a.name().equals(name)).findFirst();
    }

    private List<Administrator> everything() {
        return em.createNamedQuery(Administrator.ALL, Administrator.class).getResultList();
    }
}
