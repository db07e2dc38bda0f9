package org.tidings.ingest.broker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.transaction.TransactionOperationAbstract;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;

/**
 * Runs inside the broker (broker.xml, {@code <broker-plugins>}, after {@link ValidatedUserStamp}): caps the events
 * each sender has queued on the events address, accepted by the broker and not yet taken off the queue by Tidings
 * (docs/adr/0017). A sender is the broker user that sent the message; for the application's own account, which HTTP
 * ingest sends with, the source HTTP ingest names in {@value #SOURCE_KEY}, with the cap it names in
 * {@value #MAX_QUEUED} (both believed from that account only).
 * <p>
 * Counted when the broker routes a message to the address ({@code beforeMessageRoute}, after duplicate detection: a
 * duplicate is not counted; after {@link UnroutedEventsRefusal} in broker.xml, which refuses first a message that no
 * queue would take, so that one routed "OK" to no queue is not counted and then never given back), given back if
 * routing fails or the sending transaction rolls back, and when the message leaves the queue for any reason:
 * consumed, expired, killed, moved to the DLQ ({@code messageAcknowledged}, at the commit of a transactional
 * acknowledgement). A message over the cap is refused with an
 * {@link ActiveMQAddressFullException} whose text starts with {@value #REFUSAL}, and its transaction, if any, can
 * only roll back: nothing of it is queued.
 * <p>
 * The counts live in memory. When the broker starts, they are rebuilt from what the queues hold (journal, paging and
 * scheduled redeliveries), after the journal is loaded and before the acceptors let clients in ({@code activated},
 * ActiveMQServerImpl.initialisePart2). If that fails, they start at zero: an undercount, never a refusal too many.
 * Properties: {@code address} (default
 * {@code tidings.events}; its sub-addresses {@code <address>.*} too), {@code max-queued} (default 1,000,000),
 * {@code application-user} (default {@code tidings}).
 */
public class QueuedEventsCap implements ActiveMQServerPlugin {

    /** The message property naming the source an event of the application's account is counted for. */
    public static final String SOURCE_KEY = "tidings_queue_source";
    /** The message property naming that source's own cap (a long), from the application's account only. */
    public static final String MAX_QUEUED = "tidings_max_queued";
    /** How a refusal's text starts, so that a client can tell it from other failures. */
    public static final String REFUSAL = "tidings-queued-cap";

    private final Map<String, AtomicLong> queued = new ConcurrentHashMap<>();
    // volatile: init may be called again while the broker runs (the integration tests lower the cap for a while)
    private volatile EventsAddress events = EventsAddress.DEFAULT;
    private volatile long maxQueued = 1_000_000;
    private volatile String applicationUser = "tidings";
    private volatile ActiveMQServer server;

    @Override
    public void init(Map<String, String> properties) {
        events = EventsAddress.of(properties);
        long cap = Long.parseLong(properties.getOrDefault("max-queued", "1000000"));
        if (cap < 1) {
            throw new IllegalArgumentException("max-queued must be at least 1, not " + cap);
        }
        maxQueued = cap;
        applicationUser = properties.getOrDefault("application-user", "tidings");
    }

    @Override
    public void registered(ActiveMQServer server) {
        this.server = server;
        server.registerActivateCallback(new ActivateCallback() {
            @Override
            public void activated() {
                rebuilt(server);
            }
        });
    }

    /** Counts again what the queues of the counted addresses hold now. */
    void rebuilt(ActiveMQServer server) {
        queued.clear();
        try {
            for (SimpleString name : server.getPostOffice().getAddresses()) {
                if (counted(name)) {
                    for (Queue queue : server.getPostOffice().listQueuesForAddress(name)) {
                        try (LinkedListIterator<MessageReference> held = queue.browserIterator()) {
                            while (held.hasNext()) {
                                added(held.next().getMessage());
                            }
                        }
                        queue.getScheduledMessages().forEach(scheduled -> added(scheduled.getMessage()));
                    }
                }
            }
        } catch (Exception e) {
            queued.clear();
            System.getLogger(QueuedEventsCap.class.getName()).log(System.Logger.Level.WARNING, "the queued events "
                    + "could not be counted at start; every sender's count starts at zero (an undercount)", e);
        }
    }

    private void added(Message message) {
        queued.computeIfAbsent(senderOf(message), key -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates)
            throws ActiveMQException {
        if (!counted(context.getAddress(message))) {
            return;
        }
        String sender = senderOf(message);
        long cap = capOf(message);
        AtomicLong count = queued.computeIfAbsent(sender, key -> new AtomicLong());
        if (count.incrementAndGet() > cap) {
            count.decrementAndGet();
            ActiveMQException refused = new ActiveMQAddressFullException(REFUSAL + ": " + sender + " has " + cap
                    + " events queued, its cap; this message was not queued, retry once Tidings has taken some");
            RoutingRefusal.refuse(server, message, context, rejectDuplicates, refused);
            throw refused;
        }
    }

    @Override
    public void afterMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates,
                                  RoutingStatus result) {
        if (!counted(context.getAddress(message))) {
            return;
        }
        String sender = senderOf(message);
        Transaction tx = context.getTransaction();
        if (result != RoutingStatus.OK) {
            released(sender);
        } else if (tx != null) {
            tx.addOperation(new TransactionOperationAbstract() {
                @Override
                public void afterRollback(Transaction rolledBack) {
                    released(sender);
                }
            });
        }
    }

    @Override
    public void onMessageRouteException(Message message, RoutingContext context, boolean direct,
                                        boolean rejectDuplicates, Exception e) {
        if (counted(context.getAddress(message))) {
            released(senderOf(message));
        }
    }

    @Override
    public void messageAcknowledged(Transaction tx, MessageReference ref, AckReason reason, ServerConsumer consumer) {
        if (ref.getQueue() == null || !counted(ref.getQueue().getAddress())) {
            return;
        }
        String sender = senderOf(ref.getMessage());
        if (tx == null) {
            released(sender);
        } else {
            tx.addOperation(new TransactionOperationAbstract() {
                @Override
                public void afterCommit(Transaction committed) {
                    released(sender);
                }
            });
        }
    }

    /** How many events of this sender (as {@link #senderOf} names it) are queued now, as far as this plugin knows. */
    public long queued(String sender) {
        AtomicLong count = queued.get(sender);
        return count == null ? 0 : count.get();
    }

    /** The counter a message is counted on: {@code user <name>}, or {@code source <key>} from the application. */
    static String senderOf(Message message, String applicationUser) {
        String user = text(message.getObjectProperty(Message.HDR_VALIDATED_USER));
        if (applicationUser.equals(user)) {
            String source = text(message.getObjectProperty(SOURCE_KEY));
            if (source != null) {
                return "source " + source;
            }
        }
        return "user " + (user == null ? "" : user);
    }

    private String senderOf(Message message) {
        return senderOf(message, applicationUser);
    }

    private long capOf(Message message) {
        if (applicationUser.equals(text(message.getObjectProperty(Message.HDR_VALIDATED_USER)))
                && message.getObjectProperty(MAX_QUEUED) instanceof Number own && own.longValue() > 0) {
            return own.longValue();
        }
        return maxQueued;
    }

    private boolean counted(SimpleString target) {
        return events.covers(target);
    }

    private void released(String sender) {
        AtomicLong count = queued.get(sender);
        if (count != null) {
            count.updateAndGet(n -> n > 0 ? n - 1 : 0); // never below zero: after a restart it undercounts
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
