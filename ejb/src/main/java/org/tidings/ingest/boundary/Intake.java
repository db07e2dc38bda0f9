package org.tidings.ingest.boundary;

import io.cloudevents.CloudEvent;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.delivery.control.SinkQueues;
import org.tidings.ingest.control.BatchCommit;
import org.tidings.ingest.control.BrokerSenders;
import org.tidings.ingest.control.CloudEventReader;
import org.tidings.ingest.control.Rejections;
import org.tidings.ingest.control.SourceQuotas;
import org.tidings.ingest.control.SuppressedDuplicates;
import org.tidings.ingest.entity.Acceptance;
import org.tidings.ingest.entity.AcceptanceKey;
import org.tidings.ingest.entity.Claim;
import org.tidings.ingest.entity.EventKey;
import org.tidings.ingest.entity.Provenance;
import org.tidings.ingest.entity.RawEvent;
import org.tidings.platform.BrokerSessions;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.sources.boundary.SourceDirectory;
import org.tidings.sources.entity.SourceQuota;
import org.tidings.subscriptions.boundary.Matching;
import org.tidings.subscriptions.control.UriNormalizer;
import org.tidings.subscriptions.control.UriReach;
import org.tidings.subscriptions.entity.Match;
import org.tidings.trust.boundary.GrantDirectory;
import org.tidings.trust.control.GrantRules;

/**
 * Where events enter the pipeline, with no JTA transaction on either side (docs/adr/0007). {@link #submit} is the
 * HTTP face: it checks an event and puts it on the durable events queue in a local broker transaction, returning
 * only once the commit has it in the broker's journal; the event's duplicate id makes a retried POST harmless
 * ({@link #submitBatch}: many events in one request, docs/adr/0025).
 * {@link #process} is the consuming side: it forwards one queued event to every matching subscription's sink, or
 * records why it cannot, before the listener's acknowledgement; an event whose (source, id) another message had
 * accepted within {@code tidings.dedup.window} is acknowledged without being matched again (docs/adr/0019). Both
 * count the event against its source's quota (docs/adr/0017), once: an event HTTP ingest counted carries a mark
 * that the consuming side believes only from the application's own broker account. An event from the broker is
 * accepted only from the broker user of the source it names, or from Tidings' own account (docs/adr/0021).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Intake {

    @Inject
    CloudEventReader reader;

    @Inject
    Rejections rejections;

    @Inject
    SinkQueues sinkQueues;

    @EJB
    SourceDirectory sources;

    @EJB
    Matching matching;

    @EJB
    Acceptances acceptances;

    @Inject
    SuppressedDuplicates duplicates;

    @Inject
    BrokerSessions sessions;

    @Inject
    SourceQuotas quotas;

    @EJB
    GrantDirectory grants;

    @Inject
    @ConfigProperty(name = "tidings.queue.events", defaultValue = "tidings.events")
    String eventsQueue;

    /**
     * How long HTTP ingest waits for the broker to take an event before answering 503 {@code broker-unavailable}:
     * a broker whose disk is full holds senders back without end, and each would hold a request thread.
     */
    @Inject
    @ConfigProperty(name = "tidings.ingest.broker-wait", defaultValue = "PT10S")
    Duration brokerWait;

    /** The account HTTP ingest sends with: only its mark of an event counted already is believed. */
    @Inject
    @ConfigProperty(name = "tidings.broker.user", defaultValue = "tidings")
    String applicationUser;

    /** False only to measure what security costs (docs/adr/0018): then any broker user may send for any source. */
    @Inject
    @ConfigProperty(name = "tidings.security.enabled", defaultValue = "true")
    boolean securityEnabled;

    /**
     * Accepts an event sent over HTTP by a caller who speaks for the source {@code speaker} (its id), or for any
     * provisioned source when {@code speaker} is null (an administrator). An event naming another source is refused
     * as forged.
     */
    public CloudEvent submit(byte[] body, UUID speaker) {
        Admitted admitted = admitted(body, reader.read(body), speaker);
        requireWithinQuota(admitted.source(), admitted.quota());
        commit(admitted);
        return admitted.event();
    }

    /** What a batch's event came to: accepted, or refused with the code and detail it would have had alone. */
    public record Outcome(int index, String id, String source, String status, String code, String detail,
            Long retryAfterSeconds) {

        static Outcome accepted(int index, CloudEvent event) {
            return new Outcome(index, event.getId(), event.getSource().toString(), "accepted", null, null, null);
        }

        static Outcome refused(int index, CloudEvent event, TidingsException refusal) {
            return new Outcome(index, event == null ? null : event.getId(),
                    event == null ? null : event.getSource().toString(), "refused", refusal.code().code(),
                    refusal.getMessage(), refusal.retryAfter() == null ? null
                    : TidingsException.retryAfterSeconds(refusal.retryAfter()));
        }
    }

    /**
     * Accepts a batch of events (LEM-11; docs/adr/0025), each judged as {@link #submit} judges one: the events that
     * pass are queued in one broker transaction ({@link BatchCommit}: in parts if the broker had one of them or a
     * source's cap refuses one), and the answer says of each, by its place in the batch, whether it was accepted
     * (durably queued, or accepted before under its source and id) or refused and why. Once an event is refused for its
     * source's rate or cap, the later events of its source and of its subject are refused too. A failure of the broker
     * before anything of the batch was committed refuses the batch as a whole, as it would one event.
     */
    public List<Outcome> submitBatch(List<byte[]> bodies, UUID speaker) {
        Outcome[] outcomes = new Outcome[bodies.size()];
        CloudEvent[] events = new CloudEvent[bodies.size()];
        List<Admitted> admitted = new ArrayList<>();
        List<Integer> places = new ArrayList<>();
        Map<String, Integer> firstOfKey = new HashMap<>();
        Map<Integer, Integer> repeats = new HashMap<>();
        // sources refused for their rate, and the ordering keys (subjects) of events so refused: their later events
        // are refused too, so that a resend of the refused ones cannot overtake an accepted one (LEM-8)
        Map<String, TidingsException> refusedSources = new HashMap<>();
        Map<String, TidingsException> refusedOrders = new HashMap<>();
        for (int i = 0; i < bodies.size(); i++) {
            try {
                if (bodies.get(i) == null) {
                    throw new TidingsException(ErrorCode.MALFORMED_EVENT,
                            "not a CloudEvents 1.0 JSON event: a batch's element must be a JSON object");
                }
                events[i] = reader.read(bodies.get(i));
                Admitted one = admitted(bodies.get(i), events[i], speaker);
                // Twice in one batch: one broker transaction does not check its own duplicate ids against each other.
                Integer first = firstOfKey.putIfAbsent(EventKey.of(events[i]).duplicateId(), i);
                if (first != null) {
                    repeats.put(i, first);
                    continue;
                }
                String order = orderingKey(events[i]);
                TidingsException refused = refusedSources.get(one.source());
                refused = refused != null ? refused : refusedOrders.get(order);
                if (refused != null) {
                    refusedOrders.putIfAbsent(order, refused);
                    throw refused;
                }
                try {
                    requireWithinQuota(one.source(), one.quota());
                } catch (TidingsException overQuota) {
                    refusedSources.put(one.source(), overQuota);
                    refusedOrders.putIfAbsent(order, new TidingsException(ErrorCode.RATE_LIMITED, "an earlier event "
                            + "of this batch, of source " + one.source() + ", was refused for that source's rate; this "
                            + "event, of the same subject, was not tried in this request, so that it cannot overtake "
                            + "it; retry later", overQuota.retryAfter()));
                    throw overQuota;
                }
                admitted.add(one);
                places.add(i);
            } catch (TidingsException refused) {
                outcomes[i] = Outcome.refused(i, events[i], refused);
            }
        }
        if (!admitted.isEmpty()) {
            List<TidingsException> refusals;
            try {
                refusals = BatchCommit.commit(admitted, Admitted::source, one -> orderingKey(one.event()),
                        this::commitOnce);
            } catch (JMSException | RuntimeException e) {
                throw brokerFailure(e, true); // before anything of the batch was committed
            }
            for (int k = 0; k < admitted.size(); k++) {
                int place = places.get(k);
                outcomes[place] = refusals.get(k) == null ? Outcome.accepted(place, events[place])
                        : Outcome.refused(place, events[place], refusals.get(k));
            }
        }
        // a repeat fares as the first of its key, which it is to the broker
        repeats.forEach((repeat, first) -> outcomes[repeat] = new Outcome(repeat, events[repeat].getId(),
                events[repeat].getSource().toString(), outcomes[first].status(), outcomes[first].code(),
                outcomes[first].detail(), outcomes[first].retryAfterSeconds()));
        return Arrays.asList(outcomes);
    }

    /** An event that passed the checks before the broker: known source, spoken for by the caller, granted. */
    private record Admitted(byte[] body, CloudEvent event, String source, SourceQuota quota) {
    }

    /**
     * The checks before the broker. A caller who speaks for one source learns nothing of the others: an event naming
     * any other source, provisioned or not, is {@code forged-source}.
     */
    private Admitted admitted(byte[] body, CloudEvent event, UUID speaker) {
        String source = sources.resolved(event.getSource().toString());
        if (speaker != null && (source == null || !source.equals(sources.resolvedOf(speaker)))) {
            throw new TidingsException(ErrorCode.FORGED_SOURCE, "this token speaks for another source than "
                    + event.getSource() + "; the event was not accepted");
        }
        if (source == null) {
            throw new TidingsException(ErrorCode.UNKNOWN_SOURCE, "source " + event.getSource() + " is not provisioned");
        }
        requireGranted(source, event);
        return new Admitted(body, event, source, sources.quotaOf(source));
    }

    /**
     * Queues one event in a local broker transaction, returning once the broker has it in its journal (the commit is
     * blocking); a duplicate id the broker had means accepted before, and so accepted now.
     */
    private void commit(Admitted event) {
        try {
            commitOnce(List.of(event));
        } catch (BrokerSessions.QueuedCapReached e) {
            throw new TidingsException(ErrorCode.RATE_LIMITED, "source " + event.source() + " has as many events "
                    + "queued, not yet processed, as its quota allows; nothing was accepted, retry later",
                    BatchCommit.QUEUED_RETRY);
        } catch (JMSException | JMSRuntimeException e) {
            throw brokerFailure(e, false);
        } catch (TidingsException e) {
            throw e;
        } catch (RuntimeException e) {
            // a failure the client does not report as JMS (ActiveMQInterruptedException, from an interrupt during the
            // commit, for one): whether the broker has the event is not known, so the sender is not told "nothing"
            throw brokerFailure(e, false);
        }
    }

    /** What the sender is told of a failure of the broker before anything of its event or batch was committed. */
    private TidingsException brokerFailure(Exception failure, boolean batch) {
        String nothing = batch ? "nothing of this batch was accepted" : "nothing was accepted";
        if (failure instanceof BrokerSessions.Unreachable) {
            return new TidingsException(ErrorCode.BROKER_UNAVAILABLE,
                    "the message broker cannot be reached; " + nothing + ", retry later", failure);
        }
        if (failure instanceof BrokerSessions.Blocked) {
            return new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the message broker is not taking events (it "
                    + "holds senders back, as it does when its disk is full); " + nothing + ", retry later", brokerWait);
        }
        if (failure instanceof BrokerSessions.NotCommitted) {
            return new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the message broker refused "
                    + (batch ? "the batch" : "the event") + " before it was committed (for example because its queue "
                    + "is blocked); " + nothing + ", retry later", failure);
        }
        return new TidingsException(ErrorCode.OUTCOME_UNKNOWN, batch
                ? "the broker did not confirm the batch, so its events may or may not have been accepted; retrying "
                + "the whole batch is safe: a resent event with the same source and id is accepted once"
                : "the broker did not confirm the event, so it may or may not have been accepted; retrying is safe: "
                + "a resent event with the same source and id is accepted once", failure);
    }

    /** False if the broker had one of the events already, and so took none of them. */
    private boolean commitOnce(List<Admitted> events) throws JMSException {
        return sessions.commitOnce(session -> {
            var producer = session.createProducer(session.createQueue(eventsQueue));
            for (Admitted event : events) {
                producer.send(message(session, event));
            }
        }, positive(brokerWait));
    }

    private static TextMessage message(Session session, Admitted admitted) throws JMSException {
        CloudEvent event = admitted.event();
        TextMessage message = session.createTextMessage(new String(admitted.body(), StandardCharsets.UTF_8));
        message.setStringProperty(EventKey.DUPLICATE_ID_PROPERTY, EventKey.of(event).duplicateId());
        message.setStringProperty(SinkQueues.GROUP_PROPERTY, orderingKey(event));
        message.setBooleanProperty(Provenance.ADMITTED, true);
        message.setStringProperty(Provenance.QUEUE_SOURCE, admitted.source());
        if (admitted.quota().maxQueued() != null) {
            message.setLongProperty(Provenance.MAX_QUEUED, admitted.quota().maxQueued());
        }
        return message;
    }

    public void process(RawEvent raw) {
        CloudEvent event;
        String source;
        try {
            if (!raw.encodable()) {
                throw new TidingsException(ErrorCode.INVALID_ENCODING, "text body has unpaired surrogates");
            }
            boolean admitted = countedOverHttp(raw.from());
            event = admitted ? reader.readAccepted(raw.body()) : reader.read(raw.body());
            if (admitted) {
                // Answered 202 already, after HTTP ingest checked its source, token, grants and quota: it is accepted,
                // and refusing it now would lose it (docs/adr/0017). Not judged again against this instance's views,
                // which may not yet know a source or grant made a moment ago on another instance, or may know of a
                // revocation that came after the acceptance. Its key is the one the source directory would give.
                source = UriNormalizer.normalize(event.getSource().toString());
            } else {
                source = knownSource(event);
                if (securityEnabled) {
                    senders().requireSpeaksFor(raw.from().validatedUser(), source);
                }
                requireGranted(source, event);
                requireWithinQuota(source, sources.quotaOf(source));
            }
        } catch (TidingsException rejected) {
            rejections.rejected(raw, rejected.code(), rejected.getMessage());
            return;
        }
        EventKey key = EventKey.of(event);
        AcceptanceKey accepted = AcceptanceKey.of(source, event.getId());
        List<Match> matches = seen(event, matching.matches(event));
        Acceptance acceptance = acceptances.claim(accepted, raw.from(), sinkQueues.numbered(matches),
                sinkQueues.dispatched(key.source(), matches));
        Claim claim = acceptance.claim();
        if (!claim.forward()) {
            duplicates.suppressed(key);
            return;
        }
        try {
            sinkQueues.forward(raw, key, event.getType(), orderingKey(event), matches, acceptance);
        } catch (RuntimeException | Error e) {
            if (claim == Claim.CLAIMED) {
                try {
                    acceptances.release(accepted, raw.from());
                } catch (RuntimeException releaseFailed) {
                    e.addSuppressed(releaseFailed); // the claim stays: the redelivery finds it as its own
                }
            }
            throw e;
        }
    }

    /** tidings.ingest.broker-wait, which must be positive. */
    private static Duration positive(Duration wait) {
        if (wait.isNegative() || wait.isZero()) {
            throw new IllegalStateException("tidings.ingest.broker-wait must be positive, not " + wait);
        }
        return wait;
    }

    private BrokerSenders senders() {
        return new BrokerSenders(applicationUser, sources::spokenForBy);
    }

    private static String orderingKey(CloudEvent event) {
        return event.getSubject() != null ? event.getSubject() : event.getSource().toString();
    }

    /** The provisioned source the event names, as the source directory resolves it. */
    private String knownSource(CloudEvent event) {
        String source = event.getSource().toString();
        String resolved = sources.resolved(source);
        if (resolved == null) {
            throw new TidingsException(ErrorCode.UNKNOWN_SOURCE, "source " + source + " is not provisioned");
        }
        return resolved;
    }

    /** One subscription's verdict in a dry run: matched, denied (which grant is missing) or filtered-out (which part). */
    public record Verdict(UUID subscriptionId, UUID sinkId, String outcome, String reason) {
    }

    /**
     * What ingest would do with the event, doing nothing (POST /api/matches): why the event itself would be refused,
     * if it would ({@code unknown-source}, {@code type-not-granted}, {@code subject-not-granted}; then nothing is
     * matched at all, and the rest says what would happen once it is allowed), the matches that would be delivered,
     * and, up to {@code explain} of them, every subscription's verdict.
     */
    public record DryRun(String refused, List<Match> delivered, List<Verdict> verdicts) {
    }

    public DryRun dryRun(CloudEvent event, int explain) {
        String source = sources.resolved(event.getSource().toString());
        ErrorCode refusal = source == null ? ErrorCode.UNKNOWN_SOURCE : grants.refusal(sources.idsOf(source), event);
        List<Match> matches = matching.matches(event);
        List<String> uris = UriReach.aboutUris(event);
        List<Match> delivered = new ArrayList<>();
        List<Verdict> verdicts = new ArrayList<>();
        for (Match match : matches) {
            GrantRules seen = match.ownerId() == null ? null : grants.seen(match.ownerId());
            if (seen != null && !seen.coversAll(uris)) {
                List<String> unseen = uris.stream().filter(uri -> !seen.covers(uri)).toList();
                verdicts.add(new Verdict(match.subscriptionId(), match.sinkId(), "denied", "no see grant of subscriber "
                        + match.ownerId() + " covers " + (unseen.isEmpty() ? "an event about no URI" : unseen)));
            } else {
                delivered.add(match);
                verdicts.add(new Verdict(match.subscriptionId(), match.sinkId(), "matched", null));
            }
        }
        if (explain > verdicts.size()) {
            Set<UUID> matched = new HashSet<>();
            matches.forEach(match -> matched.add(match.subscriptionId()));
            matching.unmatched(event, matched, explain - verdicts.size()).forEach((id, part) ->
                    verdicts.add(new Verdict(id, null, "filtered-out", part)));
        }
        return new DryRun(refusal == null ? null : refusal.code(), delivered, explain > 0 ? verdicts : null);
    }

    /** S2S-11 (b) and (c): the source the event names may send its type and route it about its URIs. */
    private void requireGranted(String source, CloudEvent event) {
        ErrorCode refusal = grants.refusal(sources.idsOf(source), event);
        if (refusal != null) {
            throw new TidingsException(refusal, refusal == ErrorCode.TYPE_NOT_GRANTED
                    ? "source " + source + " holds no send grant for type " + event.getType()
                    : "source " + source + " holds no route grant for every URI this event is about");
        }
    }

    /**
     * S2S-11 (a): the matches whose owner may see the event, that is every URI it is about; the administrators'
     * subscriptions (no owner) see everything.
     */
    private List<Match> seen(CloudEvent event, List<Match> matches) {
        List<Match> seen = null;
        List<String> uris = null;
        for (int i = 0; i < matches.size(); i++) {
            Match match = matches.get(i);
            boolean visible = true;
            if (match.ownerId() != null) {
                uris = uris == null ? UriReach.aboutUris(event) : uris;
                visible = grants.seen(match.ownerId()).coversAll(uris);
            }
            if (!visible && seen == null) {
                seen = new ArrayList<>(matches.subList(0, i));
            } else if (visible && seen != null) {
                seen.add(match);
            }
        }
        return seen == null ? matches : seen;
    }

    private void requireWithinQuota(String source, SourceQuota quota) {
        Duration wait = quotas.admitted(source, quota);
        if (!wait.isZero()) {
            throw new TidingsException(ErrorCode.RATE_LIMITED, "source " + source + " has used its quota of events "
                    + "on this instance; this event was not accepted, retry later", wait);
        }
    }

    private boolean countedOverHttp(Provenance from) {
        return from.admittedMark() && applicationUser.equals(from.validatedUser());
    }
}
