package org.tidings.subscriptions.boundary;

import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityNotFoundException;
import jakarta.persistence.LockModeType;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.tidings.audit.boundary.Audited;
import org.tidings.audit.control.AuditStore;
import org.tidings.audit.entity.AuditedChange;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.Listing;
import org.tidings.platform.TidingsException;
import org.tidings.provisioning.control.ChangeStore;
import org.tidings.provisioning.entity.ChangeKind;
import org.tidings.sinks.entity.Sink;
import org.tidings.subscriptions.control.FilterExpression;
import org.tidings.subscriptions.entity.Filter;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.subscriptions.entity.Subscription;
import org.tidings.trust.control.OwnerLimits;

/** Provisioning of subscriptions; every change is recorded in the change log, which every instance's index follows. */
@Stateless
public class Subscriptions {

    /** The action of {@link #create}'s audit record, which {@link #createAll} writes for each; no details shown. */
    private static final String CREATE = "subscription.create";
    private static final String[] CREATE_DETAILS = {null, null, null};

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    ChangeStore changes;

    @Inject
    OwnerLimits limits;

    @Inject
    AuditStore audit;

    @Resource
    SessionContext context;

    private final Clock clock = Clock.systemUTC();

    /** One subscription of a batch: what {@link #create} takes. */
    public record NewSubscription(UUID sinkId, Filter filter, Instant expiresAt) {
    }

    /** The calls whose Idempotency-Keys are remembered ({@code idempotent_request.operation}). */
    public static final String BATCH_OPERATION = "subscriptions.batch";
    public static final String CREATE_OPERATION = "subscriptions.create";

    /** How long what a request with an Idempotency-Key created is remembered. */
    public static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);

    /** A request's Idempotency-Key, its caller (kind and id), its call and the SHA-256 of the request's body. */
    public record Idempotency(String caller, String operation, String key, byte[] fingerprint) {
    }

    /** What an earlier request with the same caller and key created, and its body's fingerprint. */
    public record Remembered(byte[] fingerprint, List<UUID> createdIds) {
    }

    /** A new subscription of the sink, owned by the sink's owner. */
    @Audited(CREATE)
    public Subscription create(UUID sinkId, Filter filter, Instant expiresAt) {
        Sink sink = em.find(Sink.class, sinkId);
        limits.lockAll(sink == null ? List.of() : Collections.singletonList(sink.ownerId()),
                filter.groups(), true);
        var subscription = persisted(new NewSubscription(sinkId, filter, expiresAt), "");
        limits.checkSubscriptions(subscription.ownerId());
        announce(subscription.id());
        return subscription;
    }

    /**
     * New subscriptions, all or none, in one transaction: each checked and stored as {@link #create} does and audited
     * as a {@code subscription.create} of its own, then all recorded in the change log at once, so the generation row
     * is locked once for the batch instead of once per subscription (docs/adr/0024). A refusal names the item it
     * refuses by its index ({@code subscriptions[3]: ...}), and nothing of the batch is stored.
     */
    public List<Subscription> createAll(List<NewSubscription> wanted) {
        return createAll(wanted, null);
    }

    /**
     * As {@link #createAll(List)}, and remembers what was created under the idempotency key (null: none) in the same
     * transaction, so a retry finds it ({@link #remembered}). Another request with the same caller and key that
     * committed first makes this one fail with {@code conflict}, nothing created: a retry then gets that one's answer.
     */
    public List<Subscription> createAll(List<NewSubscription> wanted, Idempotency idempotency) {
        return created(wanted, idempotency, true);
    }

    /**
     * One subscription as {@link #create} makes it (checked, audited as a {@code subscription.create}, recorded in the
     * change log), remembered under its Idempotency-Key in the same transaction, as {@link #createAll} does.
     */
    public Subscription createOnce(NewSubscription wanted, Idempotency idempotency) {
        return created(List.of(wanted), idempotency, false).get(0);
    }

    private List<Subscription> created(List<NewSubscription> wanted, Idempotency idempotency, boolean indexed) {
        List<Subscription> created = new ArrayList<>(wanted.size());
        String actor = context.getCallerPrincipal() == null ? null : context.getCallerPrincipal().getName();
        // every lock the batch needs, in one order, before anything is written (docs/adr/0024)
        limits.lockAll(wanted.stream().map(one -> em.find(Sink.class, one.sinkId())).filter(Objects::nonNull)
                .map(Sink::ownerId).toList(), wanted.stream().flatMap(one -> one.filter().groups().stream()).toList(),
                true);
        wanted.stream().map(NewSubscription::sinkId).distinct().sorted().forEach(this::lockedSink); // in one order
        for (int i = 0; i < wanted.size(); i++) {
            var one = wanted.get(i);
            var subscription = persisted(one, indexed ? "subscriptions[" + i + "]: " : "");
            AuditedChange.of(CREATE, new Object[] {one.sinkId(), one.filter(), one.expiresAt()}, CREATE_DETAILS,
                    subscription).ifPresent(change -> audit.recorded(actor, change));
            created.add(subscription);
        }
        created.stream().map(Subscription::ownerId).distinct().forEach(limits::checkSubscriptions);
        changes.recorded(ChangeKind.SUBSCRIPTION, created.stream().map(Subscription::id).toList());
        if (idempotency != null) {
            remember(idempotency, created);
        }
        return created;
    }

    /**
     * SQL states of an insert that met another transaction's row of the same key: a duplicate key (both databases),
     * H2's lock timeout, PostgreSQL's lock timeout (tidings.changes.lock-wait sets it).
     */
    private static final Set<String> KEY_TAKEN = Set.of("23505", "HYT00", "55P03");

    private static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /** What a request to this call with this caller and key created within the window, if one did. */
    @SuppressWarnings("unchecked")
    public Optional<Remembered> remembered(String caller, String operation, String key) {
        List<Object[]> rows = em.createNativeQuery("SELECT fingerprint, created_ids FROM idempotent_request "
                        + "WHERE caller = ?1 AND operation = ?2 AND idem_key = ?3 AND created_at >= ?4")
                .setParameter(1, caller).setParameter(2, operation).setParameter(3, key)
                .setParameter(4, clock.instant().minus(IDEMPOTENCY_WINDOW).atOffset(ZoneOffset.UTC))
                .getResultList();
        return rows.stream().findFirst().map(row -> new Remembered((byte[]) row[0],
                Arrays.stream(((String) row[1]).split(",")).filter(id -> !id.isEmpty()).map(UUID::fromString)
                        .toList()));
    }

    /** Those of these subscriptions that exist now, in no particular order: one query however many. */
    public List<Subscription> existing(List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return em.createQuery("SELECT s FROM Subscription s WHERE s.id IN :ids", Subscription.class)
                .setParameter("ids", ids).getResultList();
    }

    private void remember(Idempotency idempotency, List<Subscription> created) {
        var now = clock.instant();
        // what is past the window goes, this caller's key included: it may be used again
        em.createNativeQuery("DELETE FROM idempotent_request WHERE created_at < ?1")
                .setParameter(1, now.minus(IDEMPOTENCY_WINDOW).atOffset(ZoneOffset.UTC)).executeUpdate();
        try {
            em.createNativeQuery("INSERT INTO idempotent_request (caller, operation, idem_key, fingerprint, "
                            + "created_ids, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                    .setParameter(1, idempotency.caller()).setParameter(2, idempotency.operation())
                    .setParameter(3, idempotency.key()).setParameter(4, idempotency.fingerprint())
                    .setParameter(5, created.stream().map(s -> s.id().toString()).collect(Collectors.joining(",")))
                    .setParameter(6, now.atOffset(ZoneOffset.UTC))
                    .executeUpdate();
        } catch (PersistenceException e) {
            if (!KEY_TAKEN.contains(sqlState(e))) {
                throw e; // the database failed otherwise: not a conflict
            }
            throw new TidingsException(ErrorCode.CONFLICT, "another request with this Idempotency-Key was made at "
                    + "the same time, and nothing of this one was created; retry it to get that request's answer", e);
        }
    }

    /**
     * The sink, its row locked as its deletion locks it (Sinks.delete), so that the later of the two sees the earlier:
     * never a subscription left naming no sink. Null if there is none, also if it was deleted while this waited for its
     * lock (Hibernate then finds no row to lock under an entity it had read before: OptimisticLockException). Taken
     * after the owners' and groups' locks (OwnerLimits), and before the change log's (docs/adr/0024, "Lock order").
     */
    private Sink lockedSink(UUID sinkId) {
        try {
            return em.find(Sink.class, sinkId, LockModeType.PESSIMISTIC_WRITE);
        } catch (OptimisticLockException | EntityNotFoundException gone) {
            return null;
        }
    }

    private Subscription persisted(NewSubscription wanted, String item) {
        Sink sink = lockedSink(wanted.sinkId());
        if (sink == null) {
            throw new TidingsException(ErrorCode.UNKNOWN_SINK, item + "sink " + wanted.sinkId() + " does not exist");
        }
        limits.lock(sink.ownerId()); // the owner's creations take turns, each counting what the other committed
        try {
            validate(wanted.filter());
        } catch (TidingsException e) {
            throw item.isEmpty() ? e : new TidingsException(e.code(), item + e.getMessage(), e);
        }
        var subscription = new Subscription(wanted.sinkId(), wanted.filter(), wanted.expiresAt(), clock.instant());
        subscription.ownedBy(sink.ownerId());
        em.persist(subscription);
        return subscription;
    }

    @Audited("subscription.update")
    public Subscription update(UUID id, Filter filter, Instant expiresAt) {
        var subscription = find(id);
        // as a creation takes them: the owner, then the groups named, by id
        limits.lockAll(Collections.singletonList(subscription.ownerId()), filter.groups(), false);
        long before = limits.storedChars(subscription.ownerId());
        validate(filter);
        subscription.changed(filter, expiresAt);
        limits.checkGrowth(subscription.ownerId(), before); // a longer filter counts against its characters
        announce(id);
        return subscription;
    }

    /** A page of the subscriptions of one subscriber (null: everybody's), of one sink (null: of all sinks). */
    public Listing<Subscription> page(UUID owner, UUID sinkId, Listing.Position after, int limit) {
        List<String> condition = new ArrayList<>();
        Map<String, Object> parameters = new HashMap<>();
        if (owner != null) {
            condition.add("e.ownerId = :ownerId");
            parameters.put("ownerId", owner);
        }
        if (sinkId != null) {
            condition.add("e.sinkId = :sinkId");
            parameters.put("sinkId", sinkId);
        }
        return Listing.read(em, Subscription.class, condition.isEmpty() ? null : String.join(" AND ", condition),
                parameters, after, limit, s -> new Listing.Position(s.createdAt(), s.id()));
    }

    public Subscription find(UUID id) {
        return Optional.ofNullable(em.find(Subscription.class, id))
                .orElseThrow(() -> TidingsException.notFound("subscription", id));
    }

    @Audited("subscription.delete")
    public void delete(UUID id) {
        em.remove(find(id));
        announce(id);
    }

    private void announce(UUID id) {
        changes.recorded(ChangeKind.SUBSCRIPTION, id);
    }

    private void validate(Filter filter) {
        for (UUID group : new TreeSet<>(filter.groups())) { // by id, as OwnerLimits.lockAll takes them
            // under the group's lock, which its deletion takes before it looks for subscriptions naming it: either
            // this sees the group gone, or the deletion sees this subscription once it has committed
            if (em.find(ResourceGroup.class, group, LockModeType.PESSIMISTIC_WRITE) == null) {
                throw new TidingsException(ErrorCode.INVALID_FILTER, "resource group " + group + " does not exist");
            }
        }
        if (filter.expression() == null) {
            return;
        }
        try {
            FilterExpression.check(filter.expression());
        } catch (RuntimeException e) {
            // ParseException, and a NullPointerException the SDK's parser throws on some truncated input
            throw new TidingsException(ErrorCode.INVALID_FILTER, "expression is not valid CloudEvents SQL"
                    + (e.getMessage() == null || e instanceof NullPointerException ? "" : ": " + e.getMessage()));
        }
    }
}
