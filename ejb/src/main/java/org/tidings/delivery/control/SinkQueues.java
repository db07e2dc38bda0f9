package org.tidings.delivery.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.tidings.ingest.control.EventMessages;
import org.tidings.ingest.entity.Acceptance;
import org.tidings.ingest.entity.Dispatched;
import org.tidings.ingest.entity.EventKey;
import org.tidings.ingest.entity.RawEvent;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.platform.BrokerSessions;
import org.tidings.sinks.control.SinkChannels;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;
import org.tidings.subscriptions.entity.Match;

/**
 * Forwards one event to the queues of the sinks whose subscriptions matched it (a JMS sink's own queue; the
 * deliveries queue for a webhook, purge or pull sink, docs/adr/0012, 0014 and 0015), exactly once in effect
 * (docs/adr/0007): all notifications of the event are sent in one local broker transaction, each with a
 * duplicate id made of the event's key and the subscription's id (and, on a JMS sink's, its sequence number,
 * docs/adr/0019). The caller acknowledges the event only after this returns; if the event comes back after a crash
 * that came between the commit and the acknowledgement, the broker recognises the notifications as duplicates and
 * rejects the repeated transaction; each numbered JMS notification is then sent on its own, the broker dropping
 * those it has, and this method reports the event as forwarded before if it had them all.
 *
 * <p>A notification is the event's own body, byte for byte (text stays text, bytes stay bytes); what Tidings adds
 * travels as message properties, so nothing inside the event, its {@code data} included, is ever re-encoded.
 */
@ApplicationScoped
public class SinkQueues {

    public static final String SUBSCRIPTION_PROPERTY = "tidings_subscription_id";
    public static final String TYPE_PROPERTY = "tidings_type";
    public static final String EVENT_ID_PROPERTY = "tidings_event_id";
    public static final String EVENT_SOURCE_PROPERTY = "tidings_event_source";
    public static final String GROUP_PROPERTY = "JMSXGroupID";
    /**
     * A JMS notification's sequence number (LEM-8): gap-free and increasing per subscription, the extension
     * {@code tidingsseq} of the other channels, carried as a property so that the body stays the event's own bytes.
     */
    public static final String SEQUENCE_PROPERTY = "tidings_seq";

    private static final Logger LOG = Logger.getLogger(SinkQueues.class.getName());

    /** The sinks found gone that the log was told of. */
    private final Set<UUID> goneSinksTold = ConcurrentHashMap.newKeySet();

    /** How a forward ended. */
    public enum Outcome { FORWARDED, FORWARDED_BEFORE, NOTHING_TO_FORWARD }

    public static final String SINK_PROPERTY = "tidings_sink_id";
    public static final String SUBJECT_PROPERTY = "tidings_subject";
    /** On a notification whose order does not matter (a purge): it waits in no line of its sink and subject. */
    public static final String UNORDERED_PROPERTY = "tidings_unordered";

    @Inject
    BrokerSessions sessions;

    @Inject
    SinkChannels channels;

    @Inject
    @ConfigProperty(name = "tidings.queue.deliver", defaultValue = "tidings.deliver")
    String deliverQueue;

    /** The subscriptions among {@code matches} whose notifications this forward numbers: those of JMS sinks. */
    public Set<UUID> numbered(List<Match> matches) {
        Set<UUID> numbered = new HashSet<>();
        for (Match match : matches) {
            if (channels.of(match.sinkId()) == Channel.JMS) {
                numbered.add(match.subscriptionId());
            }
        }
        return numbered;
    }

    /**
     * The subscriptions among {@code matches} whose notifications this forward sends to the deliveries queue (those of
     * webhook, purge and pull sinks), to be recorded with the event's claim under the source as the event spelled it.
     */
    public Dispatched dispatched(String eventSource, List<Match> matches) {
        Set<UUID> dispatched = new HashSet<>();
        for (Match match : matches) {
            if (toDeliveries(channels.of(match.sinkId()))) {
                dispatched.add(match.subscriptionId());
            }
        }
        return Dispatched.of(eventSource, dispatched);
    }

    /**
     * Sends the notifications of one event. A JMS sink's carry their number from {@code acceptance} (per
     * subscription, {@link #numbered}). Where the numbers are recorded with the event, a JMS notification's duplicate
     * id ends with its number: a forward of the same acceptance repeats it and is dropped, a new acceptance of the
     * event after the window (new numbers) is not. If the broker rejects the forward as a duplicate (some of its
     * notifications reached it before), each numbered JMS notification is sent again in a transaction of its own,
     * so that the broker drops the ones it has and the others (a subscription matched only now, given its number
     * only now, docs/adr/0019) still go.
     */
    public Outcome forward(RawEvent raw, EventKey key, String type, String orderingKey, List<Match> matches,
            Acceptance acceptance) {
        if (matches.isEmpty()) {
            return Outcome.NOTHING_TO_FORWARD;
        }
        try {
            boolean now = sessions.commitOnce(session -> {
                var producer = session.createProducer(null);
                for (Match match : matches) {
                    send(session, producer, raw, key, type, orderingKey, match, acceptance);
                }
            });
            if (now) {
                return Outcome.FORWARDED;
            }
            int sent = 0;
            if (matches.size() > 1) {
                for (Match match : matches) {
                    // Only a JMS sink's numbered notifications: its duplicate id is remembered by its own queue's
                    // address, and a copy the address forgot carries the same number, which its receiver can see.
                    // Those for tidings.deliver, whose cache all webhook, purge and pull sinks share and so forgets
                    // soonest, are not sent again (as before numbers existed).
                    if (channels.of(match.sinkId()) == Channel.JMS
                            && acceptance.numbers().containsKey(match.subscriptionId())
                            && sessions.commitOnce(session -> send(session, session.createProducer(null), raw, key,
                                    type, orderingKey, match, acceptance))) {
                        sent++;
                    }
                }
            }
            int late = sent;
            LOG.fine(() -> "event " + key + " was forwarded before; " + (late == 0 ? "acknowledged without a second "
                    + "forward" : late + " notification(s) of it the broker did not have were sent one by one"));
            return late == 0 ? Outcome.FORWARDED_BEFORE : Outcome.FORWARDED;
        } catch (JMSException e) {
            throw new JMSRuntimeException("cannot forward event " + key + ": " + e.getMessage(), e.getErrorCode(), e);
        }
    }

    private static boolean toDeliveries(Channel channel) {
        return channel == Channel.WEBHOOK || channel == Channel.PURGE || channel == Channel.PULL;
    }

    private void send(Session session, MessageProducer producer, RawEvent raw, EventKey key, String type,
            String orderingKey, Match match, Acceptance acceptance) throws JMSException {
        Channel channel = channels.of(match.sinkId());
        if (channel == null) {
            // The sink is gone (this instance matched a subscription deleted meanwhile, then its sink): nothing can
            // take its notification. Sent anyway, it made the broker create tidings.sink.<id> again (auto-create),
            // a queue no one reads or removes, whatever the sink's channel was.
            // Said once per sink (at most for 1,000): a subscription left naming no sink (made before its deletion took
            // the sink's lock, on H2) is matched by every event of its kind, and would say it every time.
            if (goneSinksTold.size() < 1_000 && goneSinksTold.add(match.sinkId())) {
                LOG.warning(() -> "subscription " + match.subscriptionId() + " names sink " + match.sinkId()
                        + ", which no longer exists: its notifications are not sent (event " + key + ")");
            }
            return;
        }
        Long number = acceptance.numbers().get(match.subscriptionId());
        Message notification = EventMessages.copyOf(session, raw);
        notification.setStringProperty(EventKey.DUPLICATE_ID_PROPERTY, number != null && acceptance.recorded()
                ? key.notificationDuplicateId(match.subscriptionId(), number)
                : key.notificationDuplicateId(match.subscriptionId()));
        notification.setStringProperty(SUBSCRIPTION_PROPERTY, match.subscriptionId().toString());
        notification.setStringProperty(EVENT_SOURCE_PROPERTY, key.source());
        notification.setStringProperty(EVENT_ID_PROPERTY, key.id());
        notification.setStringProperty(TYPE_PROPERTY, type);
        if (toDeliveries(channel)) {
            // Delivered by Tidings itself (DeliveriesListener).
            notification.setStringProperty(SINK_PROPERTY, match.sinkId().toString());
            notification.setStringProperty(SUBJECT_PROPERTY, orderingKey);
            if (channel != Channel.PURGE) {
                // One group per sink and subject keeps their notifications in order on one consumer, and a slow
                // sink's groups away from others'.
                notification.setStringProperty(GROUP_PROPERTY, match.sinkId() + " " + orderingKey);
            } else {
                // Invalidations commute: no group, no line, so a storm of one subject reaches the consumers side
                // by side and the coalescer merges it (docs/adr/0014).
                notification.setBooleanProperty(UNORDERED_PROPERTY, true);
            }
            producer.send(session.createQueue(deliverQueue), notification);
        } else {
            // Per-subject order (LEM-8): one group per subject keeps its notifications on one consumer.
            notification.setStringProperty(GROUP_PROPERTY, orderingKey);
            if (number != null) {
                notification.setLongProperty(SEQUENCE_PROPERTY, number);
            }
            producer.send(session.createQueue(Sink.queueOf(match.sinkId())), notification);
        }
    }
}
