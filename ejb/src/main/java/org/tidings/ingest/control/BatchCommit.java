package org.tidings.ingest.control;

import jakarta.jms.JMSException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.tidings.platform.BrokerSessions;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;

/**
 * Commits a batch's admitted events to the broker (docs/adr/0025): all in one transaction if the broker takes it;
 * otherwise in parts, in the batch's order, when the broker ignored the transaction for one of its events (a duplicate
 * id, accepted before) or refused it for one (a source at its cap on queued events). A part the broker does not take
 * is halved, until a budget of such parts is spent (an eighth of the events, at least twice the halvings one event
 * needs); from then on the rest goes one event a transaction, so a batch of n costs at most about 1.3 n transactions
 * however many of its events the broker refuses or has (halving alone would cost up to 2n - 1), and a few such events
 * cost few (about 2 d log2(n / d) for d of them). A part of one event is that event's own outcome: accepted before, or
 * {@code rate-limited}. Once an event is refused for its source's cap, the later events of its source, and of its
 * ordering key (its subject), are refused without trying, so that a resend of the refused ones cannot overtake an
 * accepted one (LEM-8). A broker failure while committing in parts stops there: what was committed is accepted, the
 * part that failed is {@code broker-unavailable} (nothing of it was committed) or {@code outcome-unknown} (its commit
 * was not confirmed), the rest {@code broker-unavailable}.
 *
 * @param <T> an admitted event
 */
public final class BatchCommit<T> {

    /** Commits the events in one transaction: false if the broker had one of them and so ignored the transaction. */
    @FunctionalInterface
    public interface Broker<T> {
        boolean commitOnce(List<T> events) throws JMSException;
    }

    /**
     * Retry-After when a source's queued events are at their cap: they drain as fast as the pipeline processes
     * (hundreds a second here), so room comes soon; no closer estimate is known.
     */
    public static final Duration QUEUED_RETRY = Duration.ofSeconds(1);

    /** Retry-After of an event the broker failed to take, as one event's 503 says. */
    public static final Duration BROKER_RETRY = TidingsException.DEFAULT_RETRY;

    private final List<T> events;
    private final Function<T, String> sourceOf;
    private final Function<T, String> orderOf;
    private final Broker<T> broker;
    private final TidingsException[] refusals;
    /** The sources and ordering keys refused in this batch, with the refusal their later events get. */
    private final Map<String, TidingsException> refusedSources = new HashMap<>();
    private final Map<String, TidingsException> refusedOrders = new HashMap<>();
    private int halvingsLeft;
    private TidingsException stopped;

    private BatchCommit(List<T> events, Function<T, String> sourceOf, Function<T, String> orderOf, Broker<T> broker) {
        this.events = events;
        this.sourceOf = sourceOf;
        this.orderOf = orderOf;
        this.broker = broker;
        this.refusals = new TidingsException[events.size()];
        this.halvingsLeft = Math.max(2 * (32 - Integer.numberOfLeadingZeros(events.size())), events.size() / 8);
    }

    /**
     * Each event's refusal, or null where it was accepted. Throws what the broker threw if the first commit, of the
     * whole batch, failed otherwise: then nothing of it was committed, or its outcome is unknown, as for one event.
     */
    public static <T> List<TidingsException> commit(List<T> events, Function<T, String> sourceOf,
            Function<T, String> orderOf, Broker<T> broker) throws JMSException {
        var commit = new BatchCommit<>(events, sourceOf, orderOf, broker);
        try {
            if (!broker.commitOnce(events) && events.size() > 1) {
                commit.halves(IntStream.range(0, events.size()).boxed().toList());
            }
        } catch (BrokerSessions.QueuedCapReached e) {
            if (events.size() == 1) {
                commit.capped(0);
            } else {
                commit.halves(IntStream.range(0, events.size()).boxed().toList());
            }
        }
        return Arrays.asList(commit.refusals);
    }

    private void inParts(List<Integer> part) {
        List<Integer> tried = new ArrayList<>();
        for (int i : part) {
            TidingsException refused = stopped != null ? stopped : refusedSources.get(sourceOf.apply(events.get(i)));
            refused = refused != null ? refused : refusedOrders.get(orderOf.apply(events.get(i)));
            if (refused != null) {
                refusals[i] = refused;
                refusedOrders.putIfAbsent(orderOf.apply(events.get(i)), refused);
            } else {
                tried.add(i);
            }
        }
        if (tried.isEmpty()) {
            return;
        }
        try {
            if (broker.commitOnce(tried.stream().map(events::get).toList()) || tried.size() == 1) {
                return; // accepted, now or (a duplicate alone) before
            }
        } catch (BrokerSessions.QueuedCapReached e) {
            if (tried.size() == 1) {
                capped(tried.get(0));
                return;
            }
        } catch (BrokerSessions.Unreachable | BrokerSessions.Blocked | BrokerSessions.NotCommitted e) {
            stop(tried, new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the message broker failed while this "
                    + "batch was committed in parts, before this event's part was committed; it was not accepted now, "
                    + "retry it", BROKER_RETRY), "the message broker failed while this batch was committed in parts; "
                    + "this event was not tried in this request, retry it");
            return;
        } catch (JMSException | RuntimeException e) {
            // a failure of the commit itself (an interrupt of its wait, too): its outcome is not known
            stop(tried, new TidingsException(ErrorCode.OUTCOME_UNKNOWN, "the broker did not confirm the commit of "
                    + "this event's part of the batch, so it may or may not have been accepted; retrying is safe: a "
                    + "resent event with the same source and id is accepted once", BROKER_RETRY),
                    "the message broker failed while this batch was committed in parts; this event was not tried in "
                    + "this request, retry it");
            return;
        }
        if (halvingsLeft > 0) {
            halvingsLeft--;
            halves(tried);
        } else {
            tried.forEach(i -> inParts(List.of(i)));
        }
    }

    /** Commits the first half of a part the broker did not take whole, then the second. */
    private void halves(List<Integer> part) {
        int half = part.size() / 2;
        inParts(part.subList(0, half));
        inParts(part.subList(half, part.size()));
    }

    /** The event alone was refused for its source's cap: so are its source's and its subject's later events. */
    private void capped(int i) {
        String source = sourceOf.apply(events.get(i));
        refusals[i] = new TidingsException(ErrorCode.RATE_LIMITED, "source " + source + " has as many events queued, "
                + "not yet processed, as its quota allows; this event was not accepted now, retry later", QUEUED_RETRY);
        TidingsException later = new TidingsException(ErrorCode.RATE_LIMITED, "an earlier event of this batch, of "
                + "source " + source + ", was refused for that source's cap on queued events; this event, of the same "
                + "source or subject, was not tried in this request, so that it cannot overtake it; retry later",
                QUEUED_RETRY);
        refusedSources.put(source, later);
        refusedOrders.putIfAbsent(orderOf.apply(events.get(i)), later);
    }

    private void stop(List<Integer> tried, TidingsException failed, String untried) {
        tried.forEach(i -> refusals[i] = failed);
        stopped = new TidingsException(ErrorCode.BROKER_UNAVAILABLE, untried, BROKER_RETRY);
    }
}
