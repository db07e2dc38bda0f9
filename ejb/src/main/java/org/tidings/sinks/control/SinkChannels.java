package org.tidings.sinks.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;

/**
 * The channel of each sink, for routing a match. A sink's channel never changes, so what is cached here is never
 * stale; a sink that no longer exists is reported as such and not cached.
 */
@ApplicationScoped
public class SinkChannels {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    private final Map<UUID, Channel> channels = new ConcurrentHashMap<>();

    /** The sink's channel, or null if there is no such sink (deleted after its subscriptions were). */
    public Channel of(UUID sinkId) {
        Channel known = channels.get(sinkId);
        if (known != null) {
            return known;
        }
        Sink sink = em.find(Sink.class, sinkId);
        if (sink == null) {
            return null;
        }
        channels.put(sinkId, sink.channel());
        return sink.channel();
    }
}
