package org.tidings.ingest.control;

import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
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
 * otherwise in halves, recursively, in the batch's order, when the broker ignored the transaction for one of its events
 * (a duplicate id, accepted before) or refused it for one (a source at its cap on queued events). A part of one event
 * is then that event's own outcome: accepted before, or {@code rate-limited}. Once a source is refused, its later
 * events of the batch are refused without trying, so that what is accepted of each source is a prefix of what it sent
 * (LEM-8: a resend of the refused ones cannot overtake an accepted one). A broker failure while committing in parts
 * stops there: what was committed is accepted, the part that failed is {@code broker-unavailable} (nothing of it was
 * committed) or {@code outcome-unknown} (its commit was not confirmed), the rest {@code broker-unavailable}.
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

    private final List<T> events;
    private final Function<T, String> sourceOf;
    /** The sources the broker refused in this batch (their cap), with the refusal their later events get. */
    private final Map<String, TidingsException> refusedSources = new HashMap<>();
    private final Broker<T> broker;
    private final TidingsException[] refusals;
    private Exception stopped;

    private BatchCommit(List<T> events, Function<T, String> sourceOf, Broker<T> broker) {
        this.events = events;
        this.sourceOf = sourceOf;
        this.broker = broker;
        this.refusals = new TidingsException[events.size()];
    }

    /**
     * Each event's refusal, or null where it was accepted. Throws what the broker threw if the first commit, of the
     * whole batch, failed otherwise: then nothing of it was committed, or its outcome is unknown, as for one event.
     */
    public static <T> List<TidingsException> commit(List<T> events, Function<T, String> sourceOf, Broker<T> broker)
            throws JMSException {
        var commit = new BatchCommit<>(events, sourceOf, broker);
        boolean whole;
        try {
            whole = broker.commitOnce(events);
        } catch (BrokerSessions.QueuedCapReached e) {
            whole = false;
        }
        if (!whole) {
            commit.halves(IntStream.range(0, events.size()).boxed().toList());
        }
        return Arrays.asList(commit.refusals);
    }

    private void inParts(List<Integer> part) {
        List<Integer> tried = new ArrayList<>();
        for (int i : part) {
            TidingsException refused = refusedSources.get(sourceOf.apply(events.get(i)));
            if (stopped != null) {
                refusals[i] = new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the message broker failed while "
                        + "this batch was committed in parts, before this event was tried; it was not accepted, retry it",
                        stopped);
            } else if (refused != null) {
                refusals[i] = refused;
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
                String source = sourceOf.apply(events.get(tried.get(0)));
                TidingsException refused = new TidingsException(ErrorCode.RATE_LIMITED, "source " + source + " has as "
                        + "many events queued, not yet processed, as its quota allows; this event and its source's "
                        + "later events in this batch were not accepted, retry later", QUEUED_RETRY);
                refusedSources.put(source, refused);
                refusals[tried.get(0)] = refused;
                return;
            }
        } catch (BrokerSessions.Unreachable | BrokerSessions.Blocked | BrokerSessions.NotCommitted e) {
            stopped = e;
            tried.forEach(i -> refusals[i] = new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the message broker "
                    + "failed while this batch was committed in parts, before this event's part was committed; it was "
                    + "not accepted, retry it", e));
            return;
        } catch (JMSException | JMSRuntimeException e) {
            stopped = e;
            tried.forEach(i -> refusals[i] = new TidingsException(ErrorCode.OUTCOME_UNKNOWN, "the broker did not "
                    + "confirm the commit of this event's part of the batch, so it may or may not have been accepted; "
                    + "retrying is safe: a resent event with the same source and id is accepted once", e));
            return;
        }
        halves(tried);
    }

    /** Commits the first half of a part the broker did not take whole, then the second. */
    private void halves(List<Integer> part) {
        int half = part.size() / 2;
        inParts(part.subList(0, half));
        inParts(part.subList(half, part.size()));
    }
}
