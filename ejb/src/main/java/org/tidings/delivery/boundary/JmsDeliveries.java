package org.tidings.delivery.boundary;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.ingest.boundary.Acceptances;
import org.tidings.ingest.control.AcceptanceStore;
import org.tidings.ingest.entity.AcceptanceKey;
import org.tidings.ingest.entity.Dispatched;
import org.tidings.platform.BrokerManagement;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.sinks.entity.Sink;
import org.tidings.sources.boundary.SourceDirectory;

/**
 * What Tidings knows of the notifications its delivery ledger does not hold (propagation feedback, RUP-11). Tidings
 * hands a JMS notification to the sink's durable queue and its consumers take it from the broker, so there is no
 * delivery record as a webhook has one: per event, the record of its claim in the duplicate window (docs/adr/0019)
 * says which JMS subscriptions it was forwarded to, with which sequence numbers; per sink, the broker's counters of
 * its queue say what waits there and what its consumers took. The same record names the webhook, purge and pull
 * subscriptions the event's notifications were sent to the deliveries queue for, which the ledger holds only once
 * the dispatcher has taken them (docs/adr/0012, "What is not yet recorded").
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class JmsDeliveries {

    private static final Logger LOG = Logger.getLogger(JmsDeliveries.class.getName());

    /**
     * How much sooner than tidings.delivery.retention a record stops listing notifications as queued: the instances'
     * clocks may differ, and a pruning may run between the record's read and the ledger's.
     */
    static final Duration MARGIN = Duration.ofHours(1);

    /** Subscriptions looked up per query, well below the parameter limits of H2 and PostgreSQL. */
    private static final int CHUNK = 1000;

    @EJB
    Acceptances acceptances;

    @Inject
    SourceDirectory sources;

    @Inject
    BrokerManagement management;

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    @ConfigProperty(name = "tidings.delivery.retention", defaultValue = "P7D")
    Duration deliveryRetention;

    private final Clock clock = Clock.systemUTC();

    /**
     * One JMS notification of an event: status {@code forwarded} while its event's claim stands (the forward to the
     * sink's queue commits right after the claim; if Tidings dies in between, the broker redelivers the event and the
     * same numbers are sent), {@code retrying} if that claim was given up after a failed forward (the event is
     * forwarded again when the broker redelivers it, unless it was dead-lettered after its last attempt: then it stays
     * so until the record is pruned). {@code sinkId} is null if the subscription was deleted since.
     */
    public record JmsDelivery(UUID sinkId, UUID subscriptionId, long seq, String status, Instant claimedAt) {
    }

    /**
     * A notification of an event for a webhook, purge or pull sink as its record names it: status {@code queued}
     * while its event's claim stands (sent to the deliveries queue with the forward, or about to be), {@code retrying}
     * if that claim was given up after a failed forward. {@code sinkId} is null if the subscription was deleted since.
     */
    public record Dispatch(UUID sinkId, UUID subscriptionId, String status, Instant claimedAt) {
    }

    /**
     * What an event's record says of its notifications: the JMS ones, by subscription; the subscriptions whose
     * notifications went to the deliveries queue, by id, and the event's source as the event spelled it (which the
     * ledger's rows name; null if there are none). Nothing if the record is not in the duplicate window
     * (tidings.dedup.window) any more. The second list is empty for a claim older than tidings.delivery.retention
     * (less {@link #MARGIN}), whose finished deliveries the ledger may have deleted.
     */
    public record EventRecord(List<JmsDelivery> jms, String eventSource, List<Dispatch> dispatched) {
        static final EventRecord NONE = new EventRecord(List.of(), null, List.of());
    }

    /** The record of the event with this source (any spelling of a provisioned source) and id. */
    public EventRecord ofEvent(String source, String id) {
        String key = sources.resolved(source);
        if (key == null) {
            return EventRecord.NONE;
        }
        AcceptanceStore.Recorded recorded = acceptances.recorded(AcceptanceKey.of(key, id));
        if (recorded == null) {
            return EventRecord.NONE;
        }
        boolean retained = !recorded.claimedAt().isBefore(clock.instant().minus(deliveryRetention).plus(MARGIN));
        List<UUID> subscriptions = new ArrayList<>(recorded.numbers().keySet());
        if (retained) {
            subscriptions.addAll(recorded.dispatched().subscriptions());
        }
        return listed(recorded, retained, subscriptions.isEmpty() ? Map.of() : sinksOf(subscriptions));
    }

    /**
     * The record's notifications, each with its subscription's sink from {@code sinks}; those for the deliveries
     * queue only if {@code retained}.
     */
    static EventRecord listed(AcceptanceStore.Recorded recorded, boolean retained, Map<UUID, UUID> sinks) {
        Dispatched dispatched = retained ? recorded.dispatched() : Dispatched.NONE;
        return new EventRecord(listed(recorded, sinks), dispatched.eventSource(), dispatched.subscriptions().stream()
                .map(subscription -> new Dispatch(sinks.get(subscription), subscription,
                        recorded.released() ? "retrying" : "queued", recorded.claimedAt()))
                .toList());
    }

    /** The record's notifications, by subscription id, each with its subscription's sink from {@code sinks}. */
    static List<JmsDelivery> listed(AcceptanceStore.Recorded recorded, Map<UUID, UUID> sinks) {
        String status = recorded.released() ? "retrying" : "forwarded";
        return recorded.numbers().entrySet().stream()
                .map(number -> new JmsDelivery(sinks.get(number.getKey()), number.getKey(), number.getValue(), status,
                        recorded.claimedAt()))
                .sorted(Comparator.comparing(JmsDelivery::subscriptionId)).toList();
    }

    private Map<UUID, UUID> sinksOf(List<UUID> subscriptions) {
        Map<UUID, UUID> sinks = new HashMap<>();
        for (int from = 0; from < subscriptions.size(); from += CHUNK) {
            for (Object[] row : em.createQuery("SELECT s.id, s.sinkId FROM Subscription s WHERE s.id IN :ids",
                    Object[].class).setParameter("ids", subscriptions.subList(from,
                            Math.min(subscriptions.size(), from + CHUNK))).getResultList()) {
                sinks.put((UUID) row[0], (UUID) row[1]);
            }
        }
        return sinks;
    }

    /**
     * A JMS sink's queue as the broker counts it: what it holds (waiting, in delivery to a consumer, or scheduled for
     * a redelivery), what of that is in delivery, what its consumers acknowledged since the broker started (a count
     * the broker keeps in memory only), its consumers now, and what its own dead-letter queue holds (what its
     * consumers failed max-delivery-attempts times; broker.xml gives each sink's queue one, {@link Sink#deadLettersOf});
     * null if the broker refused to count that (a broker.xml without the permission).
     */
    public record QueueStatus(long held, long inDelivery, long acknowledged, int consumers, Long dead) {
    }

    private Long deadLetters(String queue) throws JMSException {
        try {
            return Math.max(0, management.messageCount(Sink.deadLettersOf(queue))); // -1: none dead-lettered yet
        } catch (BrokerManagement.Refused e) {
            LOG.warning(() -> "the dead letters of queue " + queue + " cannot be counted: " + e.getMessage());
            return null;
        }
    }

    public QueueStatus status(String queue) {
        try {
            BrokerManagement.QueueCounts counts = management.counts(queue);
            Long deadLetters = deadLetters(queue);
            return counts == null ? new QueueStatus(0, 0, 0, 0, deadLetters)
                    : new QueueStatus(counts.held(), counts.inDelivery(), counts.acknowledged(), counts.consumers(),
                            deadLetters);
        } catch (JMSException | JMSRuntimeException e) {
            LOG.warning(() -> "the queue " + queue + " cannot be inspected: " + e);
            throw new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the sink's queue cannot be inspected: the "
                    + "message broker cannot be reached or refused the request; retry later", e);
        }
    }
}
