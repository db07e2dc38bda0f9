package org.tidings.sinks.boundary;

import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.sinks.control.SinkQueueProvisioning;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;
import org.tidings.subscriptions.entity.Subscription;

/** Provisioning of sinks. */
@Stateless
public class Sinks {

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    private final Clock clock = Clock.systemUTC();

    @Inject
    SinkQueueProvisioning queues;

    @Inject
    Event<SinkQueueProvisioning.Deleted> deletedQueues;

    /** Creates the sink and, for a JMS sink, its queue; if the queue cannot be created, neither is the sink. */
    public Sink create(String name, Channel channel) {
        var sink = new Sink(name, channel, clock.instant());
        em.persist(sink);
        if (channel == Channel.JMS) {
            try {
                queues.create(sink.endpoint());
            } catch (JMSException | JMSRuntimeException e) {
                throw new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the sink's queue cannot be created: the "
                        + "message broker cannot be reached; nothing was created, retry later", e);
            }
        }
        return sink;
    }

    public List<Sink> all() {
        return em.createNamedQuery(Sink.ALL, Sink.class).getResultList();
    }

    public Sink find(UUID id) {
        return Optional.ofNullable(em.find(Sink.class, id)).orElseThrow(() -> TidingsException.notFound("sink", id));
    }

    /**
     * A sink with subscriptions cannot go: removing it would silently end deliveries someone relies on. A JMS sink
     * whose queue still holds notifications goes only when {@code purge} says to discard them. Its queue is removed
     * only once the sink's deletion has committed (a failed delete leaves the queue and what it holds), and then,
     * without {@code purge}, only if it is still empty (see {@link SinkQueueProvisioning#sinkDeleted}).
     */
    public void delete(UUID id, boolean purge) {
        var sink = find(id);
        boolean subscribed = !em.createNamedQuery(Subscription.BY_SINK, Subscription.class)
                .setParameter("sinkId", id).setMaxResults(1).getResultList().isEmpty();
        if (subscribed) {
            throw new TidingsException(ErrorCode.CONFLICT, "sink " + id + " still has subscriptions");
        }
        if (sink.channel() == Channel.JMS) {
            long held;
            try {
                held = queues.held(sink.endpoint());
            } catch (JMSException | JMSRuntimeException e) {
                throw new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the sink's queue cannot be inspected: the "
                        + "message broker cannot be reached; nothing was deleted, retry later", e);
            }
            if (held > 0 && !purge) {
                throw new TidingsException(ErrorCode.CONFLICT, "the queue of sink " + id + " still holds " + held
                        + " notification(s); delete with purge=true to discard them");
            }
        }
        em.remove(sink);
        em.flush();
        if (sink.channel() == Channel.JMS) {
            deletedQueues.fire(new SinkQueueProvisioning.Deleted(sink.endpoint(), purge));
        }
    }
}
