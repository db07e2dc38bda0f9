package org.tidings.sources.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.tidings.sources.entity.Source;

/**
 * The provisioned source URIs, in memory, so that checking an event's source costs no database query. Loaded at
 * start and kept current like the matching index: a change notice makes every instance re-read that one row.
 */
@Startup
@Singleton
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class SourceDirectory {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    private final Map<UUID, String> uriById = new ConcurrentHashMap<>();
    private final Set<String> uris = ConcurrentHashMap.newKeySet();

    @PostConstruct
    void load() {
        em.createNamedQuery(Source.ALL, Source.class).getResultList().forEach(this::put);
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public boolean provisioned(String uri) {
        return uris.contains(uri);
    }

    /** Re-reads one source; a transaction of its own, as it also runs right after the changing one committed. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public synchronized void refresh(UUID id) {
        em.clear();
        Source source = em.find(Source.class, id);
        String previous = source == null ? uriById.remove(id) : uriById.get(id);
        if (previous != null && (source == null || !previous.equals(source.uri()))) {
            uris.remove(previous);
        }
        if (source != null) {
            put(source);
        }
    }

    private void put(Source source) {
        uriById.put(source.id(), source.uri());
        uris.add(source.uri());
    }
}
