package org.tidings.delivery.boundary;

import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.tidings.delivery.control.CircuitBreakers;
import org.tidings.delivery.control.ReceiverPace;
import org.tidings.delivery.control.SeenNow;
import org.tidings.delivery.control.SinkConcurrency;
import org.tidings.delivery.control.WebhookAttempts;
import org.tidings.delivery.entity.Notification;
import org.tidings.pull.boundary.Feeds;
import org.tidings.pull.control.CounterMissing;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;

/**
 * Makes the first attempt of a notification to a webhook or purge sink, or parks it (docs/adr/0012); appends one
 * for a pull sink to its subscription's feed (docs/adr/0015). A notification that
 * cannot go now (its sink is disabled, an earlier notification of its sink and subject waits, or this attempt
 * failed, the sink's circuit is open, or the sink already has its limit of attempts in flight) is parked in the {@link DeliveryLedger}, and {@link DeliveryRetries} takes it from there: the queue never
 * holds a failing notification back, so other sinks and other subjects keep flowing. The attempt itself runs on a
 * thread of {@link FirstAttempts}, which holds the consumer for a short while only: a receiver that does not answer
 * cannot hold a consumer, nor the other sinks' lines the broker pinned to it; and for a sink whose calls are slow
 * ({@link ReceiverPace}) the consumer does not wait at all.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Dispatcher {

    @EJB
    DeliveryLedger ledger;

    @EJB
    Feeds feeds;

    @Inject
    WebhookAttempts attempts;

    @Inject
    CircuitBreakers breakers;

    @Inject
    SinkConcurrency concurrency;

    @Inject
    SeenNow seen;

    @Inject
    ReceiverPace pace;

    @Inject
    FirstAttempts firstAttempts;

    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

    private final Clock clock = Clock.systemUTC();

    public void dispatch(Notification notification) {
        var outlook = ledger.outlook(notification);
        if (outlook.handled()) {
            return; // a redelivery of a message whose outcome was recorded before its acknowledgement was lost
        }
        Instant now = clock.instant();
        Sink sink = outlook.sink();
        if (sink == null) {
            ledger.sinkGone(notification, now);
            return;
        }
        if (sink.channel() == Channel.PULL) {
            String withheld = seen.withheld(sink, notification);
            if (withheld != null) {
                ledger.dead(notification, 0, null, withheld, now);
            } else {
                feeds.append(notification); // stored in the feed with its sequence number: nothing to attempt
            }
            return;
        }
        if (!sink.enabled() || outlook.lineWaiting()) {
            park(notification, now, now);
            return;
        }
        if (!breakers.allows(sink.id(), now)) {
            park(notification, breakers.nextChance(sink.id(), now), now);
            return;
        }
        // no consumer waits for a slow sink (docs/adr/0012): neither for a slot nor for its attempt
        boolean slow = pace.slow(sink.id());
        if (!concurrency.tryAcquire(sink.id(), slow ? Duration.ZERO : SinkConcurrency.WAIT)) {
            breakers.unused(sink.id(), now); // no attempt: a half-open circuit's probe is still to be made
            park(notification, now, now); // the sink is slow: the retry worker takes it from here
            return;
        }
        Optional<Notification> numbered;
        Instant sending = clock.instant(); // after the wait for a slot: the lease is a whole LEASE from the call on
        try {
            numbered = numbering(notification,
                    () -> ledger.sending(notification, sending.plus(FirstAttempts.LEASE), sending));
        } catch (RuntimeException e) {
            concurrency.release(sink.id());
            throw e;
        }
        if (numbered.isEmpty()) { // the sender this redelivery took over from recorded the outcome
            concurrency.release(sink.id());
            breakers.unused(sink.id(), now);
            return;
        }
        var call = new ReceiverPace.Call();
        boolean outlasted = firstAttempts.make(notification.id(), () -> {
            call.starts();
            var outcome = attempts.attempt(sink, numbered.get(), 0);
            call.uncounted().ifPresent(took -> pace.took(sink.id(), took));
            ledger.attempted(notification, outcome);
        }, () -> concurrency.release(sink.id()), !slow);
        if (outlasted) { // a call still running after the hold has taken that long already: counted now, not twice
            call.uncounted().ifPresent(took -> pace.took(sink.id(), took));
        }
    }

    private void park(Notification notification, Instant next, Instant now) {
        numbering(notification, () -> {
            ledger.waiting(notification, next, now);
            return null;
        });
    }

    /**
     * Runs a ledger call that numbers the notification; the subscription's first one creates its counter first, in a
     * transaction of its own (two instances may race to create it: the loser finds it made).
     */
    private <T> T numbering(Notification notification, Supplier<T> call) {
        try {
            return call.get();
        } catch (CounterMissing first) {
            try {
                ledger.counterCreated(notification.subscriptionId());
            } catch (EJBException raced) {
                LOG.fine(() -> "the counter of " + notification.subscriptionId() + " was created concurrently");
            }
            return call.get();
        }
    }
}
