package org.tidings.ingest.boundary;

import io.cloudevents.CloudEvent;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.delivery.control.SinkQueues;
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
import org.tidings.subscriptions.control.UriReach;
import org.tidings.subscriptions.entity.Match;
import org.tidings.trust.boundary.GrantDirectory;
import org.tidings.trust.control.GrantRules;

/**
 * Where events enter the pipeline, with no JTA transaction on either side (docs/adr/0007). {@link #submit} is the
 * HTTP face: it checks an event and puts it on the durable events queue in a local broker transaction, returning
 * only once the commit has it in the broker's journal; the event's duplicate id makes a retried POST harmless.
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

    /**
     * Retry-After when a source's queued events are at their cap: they drain as fast as the pipeline processes
     * (hundreds a second here), so room comes soon; no closer estimate is known.
     */
    private static final Duration QUEUED_RETRY = Duration.ofSeconds(1);

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
        CloudEvent event = reader.read(body);
        String source = knownSource(event);
        if (speaker != null && !source.equals(sources.resolvedOf(speaker))) {
            throw new TidingsException(ErrorCode.FORGED_SOURCE, "this token speaks for another source than "
                    + event.getSource() + "; nothing was accepted");
        }
        requireGranted(source, event);
        SourceQuota quota = sources.quotaOf(source);
        requireWithinQuota(source, quota);
        try {
            // The commit is blocking: it returns once the broker has the event in its journal. False means the
            // broker had this (source, id) already: accepted before, and so accepted now.
            sessions.commitOnce(session -> {
                TextMessage message = session.createTextMessage(new String(body, StandardCharsets.UTF_8));
                message.setStringProperty(EventKey.DUPLICATE_ID_PROPERTY, EventKey.of(event).duplicateId());
                message.setStringProperty(SinkQueues.GROUP_PROPERTY, orderingKey(event));
                message.setBooleanProperty(Provenance.ADMITTED, true);
                message.setStringProperty(Provenance.QUEUE_SOURCE, source);
                if (quota.maxQueued() != null) {
                    message.setLongProperty(Provenance.MAX_QUEUED, quota.maxQueued());
                }
                session.createProducer(session.createQueue(eventsQueue)).send(message);
            }, positive(brokerWait));
        } catch (BrokerSessions.QueuedCapReached e) {
            throw new TidingsException(ErrorCode.RATE_LIMITED, "source " + source + " has as many events queued, "
                    + "not yet processed, as its quota allows; this event was not accepted, retry later", QUEUED_RETRY);
        } catch (BrokerSessions.Unreachable e) {
            throw new TidingsException(ErrorCode.BROKER_UNAVAILABLE,
                    "the message broker cannot be reached; nothing was accepted, retry later", e);
        } catch (BrokerSessions.Blocked e) {
            throw new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the message broker is not taking events (it "
                    + "holds senders back, as it does when its disk is full); nothing was accepted, retry later",
                    brokerWait);
        } catch (BrokerSessions.NotCommitted e) {
            throw new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the message broker refused the event before it "
                    + "was committed (for example because its queue is blocked); nothing was accepted, retry later", e);
        } catch (JMSException | JMSRuntimeException e) {
            throw new TidingsException(ErrorCode.OUTCOME_UNKNOWN, "the broker did not confirm the event, so it may "
                    + "or may not have been accepted; retrying is safe: a resent event with the same source and id "
                    + "is accepted once", e);
        }
        return event;
    }

    public void process(RawEvent raw) {
        CloudEvent event;
        String source;
        try {
            if (!raw.encodable()) {
                throw new TidingsException(ErrorCode.INVALID_ENCODING, "text body has unpaired surrogates");
            }
            event = reader.read(raw.body());
            source = knownSource(event);
            if (securityEnabled) {
                senders().requireSpeaksFor(raw.from().validatedUser(), source);
            }
            requireGranted(source, event);
            if (!countedOverHttp(raw.from())) {
                requireWithinQuota(source, sources.quotaOf(source));
            }
        } catch (TidingsException rejected) {
            rejections.rejected(raw, rejected.code(), rejected.getMessage());
            return;
        }
        EventKey key = EventKey.of(event);
        AcceptanceKey accepted = AcceptanceKey.of(source, event.getId());
        List<Match> matches = seen(event, matching.matches(event));
        Acceptance acceptance = acceptances.claim(accepted, raw.from(), sinkQueues.numbered(matches));
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
