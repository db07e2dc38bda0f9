package org.tidings.ingest.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tidings.platform.BrokerSessions;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;

// covers LEM-11, LEM-8, S2S-3: a batch reaches the broker whole, or in parts when the broker has one of its events
// or refuses one, and each event's outcome is what the broker made of it
class BatchCommitTest {

    /** An event: its source, id and subject. */
    record Event(String source, String id, String subject) {
        Event(String source, String id) {
            this(source, id, id);
        }
    }

    /**
     * A broker as Artemis behaves for these transactions: a transaction holding an id it has is ignored; one taking a
     * source over its cap is refused; either way nothing of it is stored, and the last refusal is the one reported.
     */
    static final class Broker implements BatchCommit.Broker<Event> {
        final Set<String> stored = new HashSet<>();
        final List<String> queued = new ArrayList<>();
        final Map<String, Integer> caps = new HashMap<>();
        final List<Integer> transactions = new ArrayList<>();
        int failAtTransaction = -1;
        Exception failure;

        @Override
        public boolean commitOnce(List<Event> events) throws JMSException {
            transactions.add(events.size());
            if (transactions.size() == failAtTransaction) {
                if (failure instanceof JMSException jms) {
                    throw jms;
                }
                throw (RuntimeException) failure;
            }
            String last = null;
            Map<String, Integer> counts = new HashMap<>();
            for (Event event : events) {
                if (stored.contains(event.id())) {
                    last = "duplicate";
                    continue;
                }
                int count = counts.merge(event.source(), 1, Integer::sum)
                        + (int) queued.stream().filter(id -> id.startsWith(event.source() + "/")).count();
                if (count > caps.getOrDefault(event.source(), Integer.MAX_VALUE)) {
                    counts.merge(event.source(), -1, Integer::sum);
                    last = "cap";
                }
            }
            if ("cap".equals(last)) {
                throw new BrokerSessions.QueuedCapReached(new JMSException("tidings-queued-cap"));
            }
            if ("duplicate".equals(last)) {
                return false;
            }
            events.forEach(event -> {
                stored.add(event.id());
                queued.add(event.source() + "/" + event.id());
            });
            return true;
        }
    }

    private final Broker broker = new Broker();

    @Test
    void aBatchTheBrokerTakesIsOneTransaction() throws Exception {
        List<Event> events = events("a", 10);

        assertThat(commit(events)).containsOnlyNulls().hasSize(10);
        assertThat(broker.transactions).containsExactly(10);
        assertThat(broker.queued).hasSize(10);
    }

    @Test
    void aBatchHoldingEventsAcceptedBeforeIsCommittedInHalvesAndEachEventIsQueuedOnce() throws Exception {
        List<Event> events = events("a", 64);
        broker.stored.add("a-3");
        broker.stored.add("a-42");

        assertThat(commit(events)).as("accepted, now or before").containsOnlyNulls();
        assertThat(broker.queued).as("the others, once, in the batch's order").containsExactlyElementsOf(events
                .stream().filter(e -> !e.id().equals("a-3") && !e.id().equals("a-42"))
                .map(e -> e.source() + "/" + e.id()).toList());
        assertThat(broker.transactions.size()).as("halves, not one transaction per event").isLessThan(32);
    }

    @Test
    void aSourceAtItsCapIsRefusedFromThereOnWhileTheOtherSourcesAreAccepted() throws Exception {
        broker.caps.put("capped", 2);
        broker.stored.add("old");
        List<Event> events = List.of(new Event("capped", "c1"), new Event("other", "o1"), new Event("capped", "c2"),
                new Event("capped", "c3"), new Event("other", "o2"), new Event("capped", "c4"), new Event("other", "old"));

        List<TidingsException> outcomes = commit(events);

        assertThat(outcomes.get(0)).isNull();
        assertThat(outcomes.get(1)).isNull();
        assertThat(outcomes.get(2)).isNull();
        assertThat(outcomes.get(3).code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(outcomes.get(3).retryAfter()).isEqualTo(BatchCommit.QUEUED_RETRY);
        assertThat(outcomes.get(4)).isNull();
        assertThat(outcomes.get(5).code()).as("after its source was refused").isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(outcomes.get(6)).as("accepted before").isNull();
        assertThat(broker.queued).containsExactly("capped/c1", "other/o1", "capped/c2", "other/o2");
    }

    @Test
    void aBrokerFailureBeforeAnythingIsCommittedRefusesTheBatchWhole() {
        broker.failAtTransaction = 1;
        broker.failure = new BrokerSessions.Unreachable(new JMSException("gone"));

        assertThatThrownBy(() -> commit(events("a", 4))).isSameAs(broker.failure);
        assertThat(broker.queued).isEmpty();
    }

    @Test
    void aBrokerFailureWhileCommittingInPartsStopsThereAndSaysWhatWasAcceptedAndWhatWasNot() throws Exception {
        List<Event> events = events("a", 8);
        broker.stored.add("a-0"); // transaction 1 (all 8) is ignored; 2 is a-0..a-3, ignored; 3 is a-0..a-1, ignored
        broker.failAtTransaction = 6; // after a-0 alone (a duplicate) and a-1 alone (committed): a-2..a-3
        broker.failure = new BrokerSessions.NotCommitted(new JMSException("blocked"), null);

        List<TidingsException> outcomes = commit(events);

        assertThat(broker.transactions).containsExactly(8, 4, 2, 1, 1, 2);
        assertThat(outcomes.subList(0, 2)).as("a-0 accepted before, a-1 committed").containsOnlyNulls();
        assertThat(outcomes.subList(2, 4)).as("the part that failed").extracting(TidingsException::code)
                .containsOnly(ErrorCode.BROKER_UNAVAILABLE);
        assertThat(outcomes.subList(4, 8)).as("not tried").extracting(TidingsException::code)
                .containsOnly(ErrorCode.BROKER_UNAVAILABLE);
        assertThat(broker.queued).containsExactly("a/a-1");
    }

    @Test
    void aCommitNotConfirmedWhileCommittingInPartsLeavesItsPartUnknown() throws Exception {
        List<Event> events = events("a", 4);
        broker.stored.add("a-3"); // transactions: 4 (ignored), then a-0..a-1, which fails
        broker.failAtTransaction = 2;
        broker.failure = new JMSException("connection lost at the commit");

        List<TidingsException> outcomes = commit(events);

        assertThat(outcomes.subList(0, 2)).extracting(TidingsException::code).containsOnly(ErrorCode.OUTCOME_UNKNOWN);
        assertThat(outcomes.subList(2, 4)).extracting(TidingsException::code).containsOnly(ErrorCode.BROKER_UNAVAILABLE);
    }

    @Test
    void aRetriedBatchWhoseEventsTheBrokerAllHasCostsAboutOneTransactionAnEvent() throws Exception {
        List<Event> events = events("a", 1000);
        events.forEach(event -> broker.stored.add(event.id()));

        assertThat(commit(events)).containsOnlyNulls();
        assertThat(broker.transactions.size()).as("about 1.3 n, not 2n").isLessThanOrEqualTo(1300);
        assertThat(broker.queued).isEmpty();
    }

    @Test
    void oneEventTheBrokerHasOrRefusesCostsOneTransaction() throws Exception {
        broker.stored.add("a-0");
        assertThat(commit(events("a", 1))).containsOnlyNulls();
        assertThat(broker.transactions).containsExactly(1);

        broker.caps.put("b", 0);
        assertThat(commit(events("b", 1)).get(0).code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(broker.transactions).containsExactly(1, 1);
    }

    @Test
    void anEventOfASubjectAfterOneRefusedForItsCapIsNotAcceptedWhateverItsSource() throws Exception {
        broker.caps.put("capped", 1);
        broker.stored.add("old");
        List<Event> events = List.of(new Event("capped", "c1", "mbox"), new Event("capped", "c2", "mbox"),
                new Event("other", "o1", "mbox"), new Event("other", "o2", "elsewhere"), new Event("other", "old"));

        List<TidingsException> outcomes = commit(events);

        assertThat(outcomes.get(0)).isNull();
        assertThat(outcomes.get(1).code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(outcomes.get(2).code()).as("same subject, after a refused one").isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(outcomes.get(3)).isNull();
        assertThat(outcomes.get(4)).isNull();
        assertThat(broker.queued).containsExactly("capped/c1", "other/o2");
    }

    @Test
    void anyOtherFailureOfACommitWhileCommittingInPartsLeavesItsPartUnknown() throws Exception {
        List<Event> events = events("a", 4);
        broker.stored.add("a-3");
        broker.failAtTransaction = 2; // a-0..a-1: its commit's wait interrupted, say
        broker.failure = new IllegalStateException("interrupted");

        List<TidingsException> outcomes = commit(events);

        assertThat(outcomes.subList(0, 2)).extracting(TidingsException::code).containsOnly(ErrorCode.OUTCOME_UNKNOWN);
        assertThat(outcomes.subList(2, 4)).extracting(TidingsException::code).containsOnly(ErrorCode.BROKER_UNAVAILABLE);
        assertThat(outcomes).extracting(TidingsException::retryAfter).containsOnly(BatchCommit.BROKER_RETRY);
    }

    /** A few events the broker has cost few transactions; many cost about one each, never the 2n - 1 of halving. */
    @ParameterizedTest
    @CsvSource({"1, 19", "10, 147", "100, 967", "500, 1130", "1000, 1130"})
    void eventsTheBrokerHasAmongAThousandCostTransactionsAsFewAsTheyCan(int had, int transactions) throws Exception {
        List<Event> events = events("a", 1000);
        for (int i = 0; i < had; i++) {
            broker.stored.add("a-" + (int) ((i * 1000L + 500) / had)); // spread evenly
        }

        assertThat(commit(events)).containsOnlyNulls();
        assertThat(broker.transactions).hasSize(transactions);
        assertThat(broker.queued).hasSize(1000 - had);
    }

    private List<TidingsException> commit(List<Event> events) throws JMSException {
        return BatchCommit.commit(events, Event::source, Event::subject, broker);
    }

    private static List<Event> events(String source, int count) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new Event(source, source + "-" + i));
        }
        return events;
    }
}
