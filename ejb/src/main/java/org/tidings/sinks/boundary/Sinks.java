package org.tidings.sinks.boundary;

import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityNotFoundException;
import jakarta.persistence.LockModeType;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.audit.boundary.Audited;
import org.tidings.audit.entity.AuditSummary;
import org.tidings.audit.entity.AuditTarget;
import org.tidings.delivery.entity.Delivery;
import org.tidings.delivery.webhook.RetrySchedule;
import org.tidings.delivery.webhook.SecretSealer;
import org.tidings.delivery.webhook.WebhookSecrets;
import org.tidings.platform.BrokerManagement;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.Listing;
import org.tidings.platform.TidingsException;
import org.tidings.sinks.control.SinkQueueAccess;
import org.tidings.sinks.control.SinkQueueProvisioning;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.ContentMode;
import org.tidings.sinks.entity.PurgeSettings;
import org.tidings.sinks.entity.ReceiverCredentials;
import org.tidings.sinks.entity.Sink;
import org.tidings.subscriptions.entity.Subscription;
import org.tidings.trust.control.OwnerLimits;

/** Provisioning of sinks. */
@Stateless
public class Sinks {

    private static final Logger LOG = Logger.getLogger(Sinks.class.getName());

    /**
     * The reason a sink paused by an operator (or an administrator) gives, until an operator enables it again: its
     * subscriber may not lift it (an operator may pause a sink whose receiver is being hammered, or that misbehaves).
     */
    public static final String PAUSED_BY_OPERATOR = "paused by an operator";
    /** The reason a sink its subscriber paused gives; either the subscriber or an operator enables it again. */
    public static final String PAUSED_BY_SUBSCRIBER = "paused by its subscriber";

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    private final Clock clock = Clock.systemUTC();

    @Inject
    OwnerLimits limits;

    @Inject
    SinkQueueProvisioning queues;

    @Inject
    SinkQueueAccess access;

    @Inject
    Event<SinkQueueProvisioning.Deleted> deletedQueues;

    @Inject
    SecretSealer sealer;

    @Inject
    @ConfigProperty(name = "tidings.webhook.secret-overlap", defaultValue = "PT24H")
    Duration secretOverlap;

    /** A webhook sink just created, or a secret just rotated: the only moment the secret is ever shown. */
    public record WithSecret(Sink sink, String secret) implements AuditTarget {
        @Override
        public UUID id() {
            return sink.id();
        }

        /** The sink's summary: never the secret. */
        @Override
        public String auditSummary() {
            return sink.auditSummary();
        }

        @Override
        public String toString() {
            return "WithSecret[sink=" + sink.id() + ", secret=(hidden)]";
        }
    }

    /**
     * Creates the sink, owned by {@code owner} (a subscriber's id, or null for the administrators') and, for a JMS
     * sink, its queue; if the queue cannot be created, neither is the sink.
     */
    @Audited("sink.create")
    public Sink create(UUID owner, String name, Channel channel) {
        limits.lock(owner); // the owner's creations take turns, each counting what the other committed
        var sink = new Sink(name, channel, clock.instant());
        sink.ownedBy(owner);
        em.persist(sink);
        limits.checkSinks(owner); // before a queue is made on the broker, which no rollback takes back
        if (channel == Channel.JMS) {
            try {
                queues.create(sink.endpoint());
                if (owner != null) { // its owner's broker user may read it (docs/adr/0021)
                    access.grant(sink.endpoint(), owner);
                }
            } catch (BrokerManagement.Refused e) {
                // the broker's words name Tidings' own broker account and operations: for the log, not for the
                // caller, who may be a subscriber
                LOG.log(Level.WARNING, "sink {0}: the broker refused to make its queue readable by its owner: {1}",
                        new Object[] {sink.id(), e.getMessage()});
                throw new TidingsException(ErrorCode.BROKER_REFUSED, "the sink's queue cannot be made readable by its "
                        + "owner: the message broker refused (Tidings' log says why); nothing was created", e);
            } catch (JMSException | JMSRuntimeException e) {
                throw new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the sink's queue cannot be created: the "
                        + "message broker cannot be reached; nothing was created, retry later", e);
            }
        }
        return sink;
    }

    /**
     * Creates a webhook sink posting to {@code url} (absolute http or https with a host) and its signing secret,
     * stored sealed; the secret is returned here and never again. {@code retrySchedule}: its own retry schedule
     * (ISO-8601 durations), or null for the global one. {@code auth}: credentials presented to the receiver on
     * every attempt, stored sealed and never shown again, or null for none. {@code mode}: how notifications are sent
     * (null: structured).
     */
    @Audited("sink.create")
    public WithSecret createWebhook(UUID owner, String name, String url, Integer connectTimeoutMillis, Integer readTimeoutMillis,
            List<String> retrySchedule, ReceiverCredentials auth, ContentMode mode) {
        limits.lock(owner); // the owner's creations take turns, each counting what the other committed
        requireWebhookUrl(url);
        String schedule = canonical(retrySchedule);
        String secret = WebhookSecrets.generate();
        var sink = Sink.webhook(name, url, sealer.seal(secret), connectTimeoutMillis, readTimeoutMillis,
                clock.instant());
        sink.retryBy(schedule);
        sink.ownedBy(owner);
        sink.sendsIn(mode);
        if (auth != null) {
            authenticate(sink, auth);
        }
        em.persist(sink);
        limits.checkSinks(owner); // before a queue is made on the broker, which no rollback takes back
        return new WithSecret(sink, secret);
    }

    /**
     * Creates a purge sink invalidating on {@code caches} ({@link PurgeSettings#of}: null methods and ban header take
     * their defaults; without {@code keyHeader} it sends no purge by surrogate keys); its caches are checked against
     * the address policy when a request is sent, as webhook URLs are. {@code retrySchedule}: its own retry schedule
     * (ISO-8601 durations), or null for the global one.
     */
    @Audited("sink.create")
    public Sink createPurge(UUID owner, String name, List<String> caches, String purgeMethod, String banMethod, String banHeader,
            String keyHeader, String keyMethod, Integer connectTimeoutMillis, Integer readTimeoutMillis,
            List<String> retrySchedule) {
        limits.lock(owner); // the owner's creations take turns, each counting what the other committed
        String schedule = canonical(retrySchedule);
        PurgeSettings settings;
        try {
            List<URI> urls = new ArrayList<>();
            for (String cache : caches == null ? List.<String>of() : caches) {
                urls.add(new URI(String.valueOf(cache)));
            }
            settings = PurgeSettings.of(urls, purgeMethod, banMethod, banHeader, keyHeader, keyMethod);
        } catch (URISyntaxException e) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, "a cache is not a URI: " + e.getReason());
        } catch (IllegalArgumentException e) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, e.getMessage());
        }
        var sink = Sink.purge(name, settings, connectTimeoutMillis, readTimeoutMillis, clock.instant());
        sink.retryBy(schedule);
        sink.ownedBy(owner);
        em.persist(sink);
        limits.checkSinks(owner); // before a queue is made on the broker, which no rollback takes back
        return sink;
    }

    /**
     * Gives a webhook sink a new secret, returned here and never again; the one it replaces keeps signing too, for
     * {@code tidings.webhook.secret-overlap} (24 hours by default), so receivers can switch without losing any; and so
     * do those still signing from rotations before it, until the same end (the answer of a rotation may be lost, and
     * its receivers still hold the secret before it). With {@code endOverlap} (a secret leaked) only the new secret
     * signs, at once.
     */
    @Audited("sink.rotate-secret")
    public WithSecret rotateSecret(UUID id, @Audited.Detail("endOverlap") boolean endOverlap) {
        var sink = lockedWebhook(id);
        String secret = WebhookSecrets.generate();
        Instant now = clock.instant();
        sink.rotateSecret(sealer.seal(secret), now, endOverlap ? now : now.plus(secretOverlap));
        return new WithSecret(sink, secret);
    }

    /**
     * Holds a webhook sink's deliveries: what is matched for it waits, in order, until it is enabled again
     * ({@link #enable}), as for a sink disabled by a 410 answer. Pausing a paused or disabled sink changes nothing.
     * A purge sink is not paused: each of its notifications is a line of its own, so a paused one would leave the
     * retry worker a due head per notification to pass over every second.
     */
    @Audited("sink.pause")
    public Sink pause(UUID id, boolean byOperator) {
        var sink = lockedWebhook(id);
        if (sink.enabled()) {
            sink.disable(byOperator ? PAUSED_BY_OPERATOR : PAUSED_BY_SUBSCRIBER, clock.instant());
        } else if (byOperator && !PAUSED_BY_OPERATOR.equals(sink.disabledReason())) {
            sink.disable(PAUSED_BY_OPERATOR, sink.disabledAt()); // held now until an operator lifts it
        } else {
            sink.unchangedByThisCall();
        }
        return sink;
    }

    /**
     * Lets deliveries to a disabled or paused webhook sink resume; what waited for it is sent, in order. A pause by an
     * operator is lifted by an operator only: its subscriber is answered 409 {@code conflict}.
     */
    @Audited("sink.enable")
    public Sink enable(UUID id, boolean byOperator) {
        var sink = lockedWebhook(id);
        if (!byOperator && PAUSED_BY_OPERATOR.equals(sink.disabledReason())) {
            throw new TidingsException(ErrorCode.CONFLICT, "sink " + id + " was paused by an operator, and only an "
                    + "operator enables it again");
        }
        if (sink.enabled()) {
            sink.unchangedByThisCall();
        }
        sink.enable();
        return sink;
    }

    /**
     * What a merge patch of a sink changes: each part only if given ({@code retryScheduleGiven}, {@code authGiven}),
     * its null value returning to the global schedule or removing the credentials.
     */
    public record Changes(boolean retryScheduleGiven, List<String> retrySchedule, boolean authGiven,
            ReceiverCredentials auth, ContentMode contentMode) implements AuditSummary {

        /** Changes that leave the content mode as it is. */
        public Changes(boolean retryScheduleGiven, List<String> retrySchedule, boolean authGiven,
                ReceiverCredentials auth) {
            this(retryScheduleGiven, retrySchedule, authGiven, auth, null);
        }

        /** What changed: the schedule as given, of the credentials their type only, the content mode if given. */
        @Override
        public String auditSummary() {
            String credentials = auth == null ? "removed" : auth.type().name().toLowerCase(Locale.ROOT);
            return "retrySchedule=" + (retryScheduleGiven ? (retrySchedule == null ? "global" : retrySchedule)
                    : "(unchanged)") + ", auth=" + (authGiven ? credentials : "(unchanged)")
                    + (contentMode == null ? "" : ", contentMode=" + contentMode.name().toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return "Changes[retrySchedule=" + (retryScheduleGiven ? retrySchedule : "(unchanged)") + ", auth="
                    + (authGiven ? auth : "(unchanged)") + ", contentMode="
                    + (contentMode == null ? "(unchanged)" : contentMode) + "]";
        }
    }

    /**
     * Changes a sink, all or nothing. A webhook or purge sink may get its own retry schedule
     * ({@link RetrySchedule#ofSteps}), or with null the global one again: a notification already waiting keeps the
     * time of its next attempt; the waits after it, and whether there is one, follow the new schedule (attempts
     * already made count against it). A webhook sink's credentials toward its receiver are replaced, or removed with
     * null; they are stored sealed and presented from the next attempt on, retries and redrives of notifications
     * already waiting included. So is a webhook sink's content mode, when given.
     */
    @Audited("sink.update")
    public Sink change(UUID id, @Audited.Detail("changes") Changes changes) {
        var sink = find(id);
        if (changes.retryScheduleGiven()) {
            if (sink.channel() == Channel.JMS || sink.channel() == Channel.PULL) {
                throw new TidingsException(ErrorCode.CONFLICT, "sink " + id + " is a " + sink.channel().name()
                        .toLowerCase(Locale.ROOT) + " sink: its receivers fetch or consume, Tidings sends "
                        + "nothing to retry");
            }
            sink.retryBy(canonical(changes.retrySchedule()));
        }
        if (changes.authGiven()) {
            if (sink.channel() != Channel.WEBHOOK) {
                throw new TidingsException(ErrorCode.CONFLICT, "sink " + id + " is not a webhook sink: it presents "
                        + "no credentials");
            }
            authenticate(sink, changes.auth());
        }
        if (changes.contentMode() != null) {
            if (sink.channel() != Channel.WEBHOOK) {
                throw new TidingsException(ErrorCode.CONFLICT, "sink " + id + " is not a webhook sink: it has no "
                        + "content mode");
            }
            sink.sendsIn(changes.contentMode()); // from the next attempt on, retries of waiting notifications too
        }
        return sink;
    }

    /**
     * Seals and keeps the credentials; says which kind (never a value) in the log, as a record of the change.
     *
     * @throws TidingsException invalid-auth if the sink's url would carry them in the clear
     *         ({@link ReceiverCredentials#requireConfidentialTransport})
     */
    private void authenticate(Sink sink, ReceiverCredentials auth) {
        if (auth == null) {
            sink.authenticateWith(null, null);
        } else {
            try {
                ReceiverCredentials.requireConfidentialTransport(URI.create(sink.endpoint()));
            } catch (IllegalArgumentException e) {
                throw new TidingsException(ErrorCode.INVALID_AUTH, e.getMessage());
            }
            sink.authenticateWith(auth.type(),
                    sealer.seal(auth.plaintext(), sink.credentialsContext(auth.type())));
        }
        LOG.info(() -> "sink " + sink.id() + " presents " + (auth == null ? "no credentials" : auth)
                + " to its receiver");
    }

    /** The canonical form of a sink's own schedule; null stays null (the global schedule). */
    private static String canonical(List<String> retrySchedule) {
        if (retrySchedule == null) {
            return null;
        }
        try {
            return RetrySchedule.ofSteps(retrySchedule).toString();
        } catch (IllegalArgumentException e) {
            throw new TidingsException(ErrorCode.INVALID_RETRY_SCHEDULE, e.getMessage());
        }
    }

    /**
     * A webhook sink, its row locked to the end of the transaction: two rotations, or a pause and an enable, at the
     * same moment each see the other's outcome instead of both reading the same row and the last write winning (two
     * rotations each handed out a secret, and one of them never signed anything).
     */
    private Sink lockedWebhook(UUID id) {
        var sink = Optional.ofNullable(em.find(Sink.class, id, LockModeType.PESSIMISTIC_WRITE))
                .orElseThrow(() -> TidingsException.notFound("sink", id));
        if (sink.channel() != Channel.WEBHOOK) {
            throw new TidingsException(ErrorCode.CONFLICT, "sink " + id + " is not a webhook sink");
        }
        return sink;
    }

    private static void requireWebhookUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST, "url is not a URI: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new TidingsException(ErrorCode.INVALID_REQUEST,
                    "url must be an absolute http or https URL with a host, and without user info or fragment");
        }
        try {
            URI.create(uri.toASCIIString()); // what each call is made to: it must exist
        } catch (RuntimeException noAsciiForm) { // a lone surrogate (a NullPointerException in JDK 17), or a
            // character whose normal form is not allowed in a URI
            throw new TidingsException(ErrorCode.INVALID_REQUEST, "url has no ASCII form that a request can be "
                    + "made to (an unpaired surrogate, or a character whose normal form a URI may not hold)");
        }
    }

    /** A page of the sinks of one subscriber (null: everybody's). */
    public Listing<Sink> page(UUID owner, Listing.Position after, int limit) {
        return Listing.read(em, Sink.class, owner == null ? null : "e.ownerId = :ownerId",
                owner == null ? Map.of() : Map.of("ownerId", owner), after, limit,
                r -> new Listing.Position(r.createdAt(), r.id()));
    }

    /** The sink, or null if there is none. */
    public Sink byId(UUID id) {
        return em.find(Sink.class, id);
    }

    public Sink find(UUID id) {
        return Optional.ofNullable(em.find(Sink.class, id)).orElseThrow(() -> TidingsException.notFound("sink", id));
    }

    /**
     * A sink with subscriptions cannot go: removing it would silently end deliveries someone relies on. A JMS sink
     * whose queue or dead-letter queue still holds notifications goes only when {@code purge} says to discard them.
     * Its queues are removed
     * only once the sink's deletion has committed (a failed delete leaves the queue and what it holds), and then,
     * without {@code purge}, only if it is still empty (see {@link SinkQueueProvisioning#sinkDeleted}). Likewise a
     * webhook or purge sink with notifications waiting or dead goes only with {@code purge}; they are then discarded,
     * their records kept (status discarded).
     */
    @Audited("sink.delete")
    public void delete(UUID id, @Audited.Detail("purge") boolean purge) {
        var sink = find(id);
        requireUnsubscribed(id); // at once, as before the broker is asked; again under the sink's lock below
        if (sink.channel() == Channel.JMS) {
            long held;
            long dead;
            try {
                held = queues.held(sink.endpoint());
                dead = queues.held(Sink.deadLettersOf(sink.endpoint()));
            } catch (JMSException | JMSRuntimeException e) {
                throw new TidingsException(ErrorCode.BROKER_UNAVAILABLE, "the sink's queue cannot be inspected: the "
                        + "message broker cannot be reached; nothing was deleted, retry later", e);
            }
            if (held + dead > 0 && !purge) {
                throw new TidingsException(ErrorCode.CONFLICT, "the queues of sink " + id + " still hold " + held
                        + " notification(s) and " + dead + " dead letter(s); delete with purge=true to discard them");
            }
        }
        if (sink.channel() != Channel.JMS) {
            long undelivered = em.createNamedQuery(Delivery.COUNT_UNDELIVERED, Long.class).setParameter("sinkId", id)
                    .getSingleResult();
            if (undelivered > 0 && !purge) {
                throw new TidingsException(ErrorCode.CONFLICT, "sink " + id + " still has " + undelivered
                        + " notification(s) waiting or dead; delete with purge=true to discard them");
            }
            em.createNamedQuery(Delivery.DISCARD_UNDELIVERED).setParameter("sinkId", id)
                    .setParameter("now", clock.instant()).executeUpdate();
        }
        // The sink's row lock, which a subscription's creation takes too (Subscriptions.lockedSink), orders the two:
        // the later one sees the earlier. On H2 the foreign key alone did not: its check neither sees nor waits for
        // another transaction's uncommitted row, so a subscription created meanwhile was left naming no sink. Taken
        // after the broker's answers (each may take seconds) and after the delivery rows' locks (the discard above),
        // as a 410's record takes the delivery row's lock before the sink's (DeliveryLedger.attempted): no cycle.
        try {
            em.lock(sink, LockModeType.PESSIMISTIC_WRITE);
        } catch (OptimisticLockException | EntityNotFoundException gone) { // deleted while this waited for its lock
            throw TidingsException.notFound("sink", id);
        }
        requireUnsubscribed(id);
        em.remove(sink);
        em.flush();
        if (sink.channel() == Channel.JMS) {
            deletedQueues.fire(new SinkQueueProvisioning.Deleted(sink.endpoint(), purge));
        }
    }

    private void requireUnsubscribed(UUID id) {
        boolean subscribed = !em.createNamedQuery(Subscription.IDS_OF_SINK, UUID.class).setParameter("sinkId", id)
                .setMaxResults(1).getResultList().isEmpty();
        if (subscribed) {
            throw new TidingsException(ErrorCode.CONFLICT, "sink " + id + " still has subscriptions");
        }
    }
}
