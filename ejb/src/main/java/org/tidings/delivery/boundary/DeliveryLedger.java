package org.tidings.delivery.boundary;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import org.tidings.audit.boundary.Audited;
import org.tidings.delivery.control.WebhookAttempts;
import org.tidings.delivery.entity.Delivery;
import org.tidings.delivery.entity.DeliveryStatus;
import org.tidings.delivery.entity.Notification;
import org.tidings.pull.control.CounterMissing;
import org.tidings.pull.control.FeedStore;
import org.tidings.sinks.entity.Sink;

/**
 * The durable record of webhook and purge deliveries, each call in a transaction of its own: what the dispatcher
 * decided is committed before the notification's message is acknowledged, so a crash in between leaves the message to
 * be delivered again, and the record tells the redelivery it was handled (docs/adr/0012). A notification is numbered
 * in its subscription when its record is first written, in the same transaction (docs/adr/0015), and before its first
 * attempt, so every attempt carries the number.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class DeliveryLedger {

    /** The open end of a time range: later than any row's time. */
    private static final Instant FAR_FUTURE = Instant.parse("9999-01-01T00:00:00Z");

    private static final Logger LOG = Logger.getLogger(DeliveryLedger.class.getName());

    @PersistenceContext(unitName = "tidings")
    EntityManager em;

    @Inject
    FeedStore store;

    /** This bean through the container, so that each page of a redrive is a transaction of its own. */
    @EJB
    DeliveryLedger self;

    /** Dead letters redriven per transaction: 200 bodies of at most 256 KiB (the default largest event) is 50 MiB. */
    int redrivePageSize = 200;

    /**
     * What the dispatcher needs to know before a first attempt, read in one transaction: the sink as it is now
     * (null if there is none), whether this notification was handled before (a redelivered message), and whether a
     * notification of the same sink and subject waits (then this one must queue up behind it). A notification whose
     * first attempt was under way when its sender died ({@link DeliveryStatus#SENDING}) is not handled: the
     * redelivered message takes it over, with the number it has, and nothing of its line is ahead of it.
     */
    public record Outlook(Sink sink, boolean handled, boolean lineWaiting) {
    }

    public Outlook outlook(Notification notification) {
        Delivery recorded = recorded(notification);
        if (recorded != null) {
            return firstSenders(recorded)
                    ? new Outlook(em.find(Sink.class, notification.sinkId()), false, false)
                    : new Outlook(null, true, false);
        }
        boolean waiting = lineHeld(notification.sinkId(), notification.orderingKey(), Long.MAX_VALUE);
        return new Outlook(em.find(Sink.class, notification.sinkId()), false, waiting);
    }

    /**
     * Numbers the notification and records that its first attempt is under way, held by the caller until
     * {@code lease}; a notification taken over keeps its number. Returns it as it is to be sent, with its number; or
     * nothing if it is no longer being sent (a redelivery took it over while its first sender still ran, and that
     * sender recorded its outcome meanwhile: the outcome stands).
     *
     * @throws CounterMissing if its subscription has no counter yet
     */
    public Optional<Notification> sending(Notification notification, Instant lease, Instant now) {
        Delivery delivery = recordedForUpdate(notification);
        if (delivery == null) {
            delivery = new Delivery(notification, now);
            delivery.sending(store.nextSeq(notification.subscriptionId()), lease, now);
            em.persist(delivery);
            em.flush(); // a second record of the notification fails here, and its number is rolled back with it
        } else if (firstSenders(delivery)) {
            delivery.sending(delivery.seq(), lease, now);
        } else {
            return Optional.empty();
        }
        return Optional.of(notification.numbered(delivery.seq()));
    }

    /**
     * Extends to {@code lease} the hold of this instance's first senders on the rows they are still sending (rows no
     * longer {@code SENDING}, taken over or finished, are left as they are).
     */
    public void extendLeases(Set<String> notificationIds, Instant lease) {
        em.createNamedQuery(Delivery.EXTEND_LEASES).setParameter("lease", lease).setParameter("ids", notificationIds)
                .executeUpdate();
    }

    /**
     * A parked notification taken by the retry worker for its next attempt: as it is to be sent (with its number), the
     * attempts made so far, and its sink as it is now.
     */
    public record Claim(Notification notification, int attemptsBefore, Sink sink) {
    }

    /**
     * Takes the parked notification at {@code position} for an attempt (docs/adr/0012): if it is still waiting, due
     * at {@code now}, first of its line (nothing ahead of it waits or is being sent) and its sink is enabled, its row
     * becomes {@code SENDING}, held by the caller until {@code lease}. The row is locked first, so that of two takers
     * (the retry worker's run and a line drained after a delivery, or two instances) one finds it taken. A row whose
     * sink is gone is discarded ({@link Delivery#SINK_GONE}). Nothing if it cannot be taken now.
     */
    public Optional<Claim> claimed(long position, Instant lease, Instant now) {
        Delivery delivery = em.find(Delivery.class, position);
        if (delivery == null || delivery.nextAttemptAt() == null) {
            // gone, finished, or behind its line: not locked, so that a finish making it due never waits for a taker
            return Optional.empty();
        }
        // read again under the lock: a row read before it (by nextClaimed's query) may have been taken meanwhile
        em.refresh(delivery, LockModeType.PESSIMISTIC_WRITE);
        if (delivery.status() != DeliveryStatus.WAITING || delivery.nextAttemptAt() == null
                || delivery.nextAttemptAt().isAfter(now)
                || lineHeld(delivery.sinkId(), delivery.orderingKey(), delivery.position())) {
            return Optional.empty();
        }
        Sink sink = em.find(Sink.class, delivery.sinkId());
        if (sink == null) {
            delivery.sinkGone(delivery.attempts(), now);
            lineMovedOn(delivery, now);
            return Optional.empty();
        }
        if (!sink.enabled()) {
            return Optional.empty();
        }
        delivery.retrying(lease, now);
        return Optional.of(new Claim(delivery.notification(), delivery.attempts(), sink));
    }

    /**
     * Takes the next parked notification of the sink and ordering key for an attempt, as {@link #claimed} does, if
     * one is due at {@code now}.
     */
    public Optional<Claim> nextClaimed(UUID sinkId, String orderingKey, Instant lease, Instant now) {
        List<Delivery> next = nextInLine(sinkId, orderingKey);
        return next.isEmpty() ? Optional.empty() : claimed(next.get(0).position(), lease, now);
    }

    /**
     * Records the outcome of an attempt, first or retry (with the sink disabled on 410, in the same transaction),
     * unless the notification is no longer the sender's: discarded with its sink, or taken over after the lease ran
     * out.
     */
    public void attempted(Notification notification, WebhookAttempts.Outcome outcome) {
        attempted(notification, outcome, outcome.answeredAt());
    }

    /**
     * {@link #attempted}, a row left behind by it made due from {@code now}; answers the line's next row as
     * {@link #lineMovedOn} does, or null if it was not looked up (the outcome was not recorded, or the row still holds
     * its line).
     */
    private List<Delivery> attempted(Notification notification, WebhookAttempts.Outcome outcome, Instant now) {
        Delivery delivery = recordedForUpdate(notification);
        if (delivery == null || delivery.status() != DeliveryStatus.SENDING) {
            LOG.fine(() -> "the outcome of " + notification.id() + " is not recorded: it was no longer being sent");
            return null;
        }
        // the delivery row is locked, then (for a 410 only) the sink's: pause, enable and rotation lock the sink's alone
        Sink sink = em.find(Sink.class, notification.sinkId(),
                outcome.disablesSink() ? LockModeType.PESSIMISTIC_WRITE : LockModeType.NONE);
        if (sink != null) {
            outcome.applyTo(delivery, sink);
        } else {
            delivery.sinkGone(outcome.attempts(), outcome.answeredAt());
        }
        return lineMovedOn(delivery, now);
    }

    /**
     * Records the outcome of the retry worker's attempt as {@link #attempted} does and takes the next parked
     * notification of the same line as {@link #nextClaimed} does, in the same transaction: a line being drained costs
     * one commit per notification, not two. The next row is locked without waiting ({@code SKIP LOCKED}): this
     * transaction already holds the attempted row, and waiting for a second row while holding it could close a cycle
     * with a writer that locks both (a sink's deletion discards all its rows in one update). A next row another taker
     * holds is left to it, or to the next run. Nothing next if none can be taken now.
     */
    public Optional<Claim> attemptedThenNext(Notification notification, WebhookAttempts.Outcome outcome, Instant lease,
            Instant now) {
        List<Delivery> next = attempted(notification, outcome, now);
        if (next == null) {
            next = nextInLine(notification.sinkId(), notification.orderingKey()); // flushes the outcome first
        }
        if (next.isEmpty() || !lockedUnlessHeld(next.get(0))) {
            return Optional.empty();
        }
        madeDueIfBehind(next.get(0), now); // if the finish could not lock it, and another's lock has gone since
        return claimed(next.get(0).position(), lease, now); // its lock is this transaction's now: no wait
    }

    /** The first waiting row of the line, unless a row ahead of it is being sent (at most one). */
    private List<Delivery> nextInLine(UUID sinkId, String orderingKey) {
        return em.createNamedQuery(Delivery.NEXT_IN_LINE, Delivery.class).setParameter("sinkId", sinkId)
                .setParameter("key", orderingKey).setMaxResults(1).getResultList();
    }

    /** True if the row is locked by this transaction now: it was free, or this transaction held it already. */
    private boolean lockedUnlessHeld(Delivery row) {
        return !em.createNativeQuery(LOCK_UNLESS_HELD).setParameter(1, row.position()).getResultList().isEmpty();
    }

    /**
     * Makes a row this transaction holds due from {@code now} if it waits behind its line (no time); read again first,
     * as it was last committed, unless it was read with a time already (a row once due is never behind again).
     */
    private void madeDueIfBehind(Delivery row, Instant now) {
        if (row.nextAttemptAt() != null) {
            return;
        }
        em.refresh(row);
        if (row.status() == DeliveryStatus.WAITING && row.nextAttemptAt() == null) {
            row.due(now);
            em.flush();
        }
    }

    /** A row's lock, taken only if nobody holds it (H2 2.2 and PostgreSQL). */
    private static final String LOCK_UNLESS_HELD = "SELECT position FROM delivery WHERE position = ?1 "
            + "FOR UPDATE SKIP LOCKED";

    /**
     * Numbers the notification (if it has no number yet) and parks it until {@code next} (behind any that wait for
     * its sink and subject), unattempted. A notification taken over is parked only if it is still being sent: an
     * outcome its first sender recorded meanwhile stands.
     *
     * @throws CounterMissing if its subscription has no counter yet
     */
    public void waiting(Notification notification, Instant next, Instant now) {
        Delivery delivery = recordedForUpdate(notification);
        if (delivery == null) {
            delivery = new Delivery(notification, now);
            long seq = store.nextSeq(notification.subscriptionId());
            // all of its line is ahead of it: it is not recorded yet
            delivery.parked(seq, firstHolderLocked(notification.sinkId(), notification.orderingKey(), Long.MAX_VALUE,
                    FlushModeType.AUTO) ? null : next, now);
            em.persist(delivery);
        } else if (firstSenders(delivery)) {
            delivery.waitUntil(next, delivery.attempts(), null, null, now);
        }
    }

    /**
     * Records the notification as dead at once (its sink is gone): unnumbered, as no receiver is left to count. A
     * notification taken over dies only if it is still being sent.
     */
    public void dead(Notification notification, int attemptsMade, Integer httpStatus, String answer, Instant now) {
        endedBeforeAnyAttempt(notification, now, delivery -> delivery.dead(attemptsMade, httpStatus, answer, now));
    }

    /** Records a notification whose sink was deleted before it came: discarded ({@link Delivery#sinkGone}). */
    public void sinkGone(Notification notification, Instant now) {
        endedBeforeAnyAttempt(notification, now, delivery -> delivery.sinkGone(0, now));
    }

    /**
     * Ends a notification that is not attempted: its row, locked, or a new one, given its outcome before a new one is
     * inserted (its position is an identity: the insert happens at once, and its status must be set by then).
     */
    private void endedBeforeAnyAttempt(Notification notification, Instant now,
            java.util.function.Consumer<Delivery> outcome) {
        Delivery delivery = recordedForUpdate(notification);
        boolean fresh = delivery == null;
        if (fresh) {
            delivery = new Delivery(notification, now);
        } else if (!firstSenders(delivery)) {
            return;
        }
        outcome.accept(delivery);
        if (fresh) {
            em.persist(delivery);
        }
        lineMovedOn(delivery, now);
    }

    /** Creates the subscription's sequence counter, in a transaction of its own (see {@link FeedStore#counterCreated}). */
    public void counterCreated(UUID subscriptionId) {
        store.counterCreated(subscriptionId);
    }

    /**
     * True if the row is being sent by a first sender, which may have died with its message: a redelivery of the
     * message takes it over. A row the retry worker sends is not: its message was handled when the row was parked, and
     * a takeover would be a second sender while the first still runs.
     */
    private static boolean firstSenders(Delivery delivery) {
        return delivery.status() == DeliveryStatus.SENDING && !delivery.retrying();
    }

    /** One status's rows of a line ahead of a position: an equality on status, so H2 reads no finished row. */
    private static final String HELD_AS = "SELECT position FROM delivery WHERE sink_id=?1 AND ordering_key=?2 "
            + "AND status='%s' AND position<?3";
    /**
     * The rows of a line that wait or are being sent, in one statement, so in one snapshot: two queries, one per
     * status, could each miss a row that changes between them (SENDING to WAITING when a first attempt fails,
     * WAITING to SENDING when the retry worker takes it), and a notification would overtake it.
     */
    private static final String LINE_HELD = HELD_AS.formatted(DeliveryStatus.WAITING.name()) + " UNION ALL "
            + HELD_AS.formatted(DeliveryStatus.SENDING.name());

    /**
     * One status's first row of a line ahead of a position. Ordered by all of delivery_queue's columns: H2 2.2 reads an
     * index in order only for an ORDER BY that starts with its first column (by position alone, it reads and sorts
     * all the line's rows of the status).
     */
    private static final String FIRST_AS = "(SELECT position FROM delivery WHERE sink_id=?1 AND ordering_key=?2 "
            + "AND status='%s' AND position<?3 ORDER BY sink_id, ordering_key, status, position "
            + "FETCH FIRST 1 ROW ONLY)";
    /** The first rows of a line that wait and that are being sent, ahead of a position: one of each at most. */
    private static final String FIRST_HOLDERS = FIRST_AS.formatted(DeliveryStatus.WAITING.name()) + " UNION ALL "
            + FIRST_AS.formatted(DeliveryStatus.SENDING.name());
    /** A row's status, read under its lock (waiting for its holder, then reading the row as it committed it). */
    private static final String STATUS_LOCKED = "SELECT status FROM delivery WHERE position = ?1 FOR UPDATE";

    /**
     * True if a row of the line of a row about to be parked (or put back by a redrive) waits or is being sent ahead of
     * position {@code before}: the first such row, read and locked until this transaction ends. A row parked behind
     * it waits for it ({@link Delivery#parked} with no time), and is made due when the rows ahead of it are done
     * ({@link #lineMovedOn}); the lock is what makes that safe: the row ahead cannot finish before this park commits,
     * so its finish sees the parked row. Without it a finish committed between this transaction's reads and its commit
     * would make nothing due, and the parked row would wait for nothing. The row found is locked, then read again: if
     * it finished meanwhile, the next first row is looked for. {@code flush}: whether the reads flush this
     * transaction's changes first ({@code AUTO}) or not ({@code COMMIT}, for a caller that has flushed them already).
     */
    private boolean firstHolderLocked(UUID sinkId, String orderingKey, long before, FlushModeType flush) {
        while (true) {
            List<?> first = em.createNativeQuery(FIRST_HOLDERS).setFlushMode(flush).setParameter(1, sinkId)
                    .setParameter(2, orderingKey).setParameter(3, before).getResultList();
            if (first.isEmpty()) {
                return false;
            }
            long ahead = first.stream().mapToLong(p -> ((Number) p).longValue()).min().getAsLong();
            List<?> status = em.createNativeQuery(STATUS_LOCKED).setFlushMode(flush).setParameter(1, ahead)
                    .getResultList();
            if (!status.isEmpty() && holds(String.valueOf(status.get(0)))) {
                return true;
            }
        }
    }

    private static boolean holds(String status) {
        return status.equals(DeliveryStatus.WAITING.name()) || status.equals(DeliveryStatus.SENDING.name());
    }

    /**
     * After a row stopped holding its line (delivered or dead): the line's next row, if it waited behind (not due by
     * itself), is due from {@code now}, in this same transaction; answers that row (or none), or null if the row still
     * holds its line and nothing was looked up. Its lock is taken without waiting ({@code SKIP LOCKED}), as this
     * transaction holds the finished row: waiting for a second could close a cycle with a writer that locks both (a
     * sink's deletion discards all its rows in one update). A next row another holds stays behind, and the retry
     * worker's search for rows left behind ({@link Delivery#LEFT_BEHIND}) finds it.
     */
    private List<Delivery> lineMovedOn(Delivery finished, Instant now) {
        if (holds(finished.status().name())) {
            return null; // waits for a later attempt: still first of its line
        }
        List<Delivery> next = nextInLine(finished.sinkId(), finished.orderingKey()); // flushes the finish first
        // a row once due is never behind again: read without the lock, a due one needs nothing
        if (next.isEmpty() || next.get(0).nextAttemptAt() != null) {
            return next;
        }
        if (!lockedUnlessHeld(next.get(0))) {
            LOG.fine(() -> "the row after " + finished.notificationId() + " is held by another: left to the search "
                    + "for rows left behind");
            return next;
        }
        madeDueIfBehind(next.get(0), now);
        return next;
    }

    /** True if a row of the sink and ordering key ahead of {@code before} waits or is being sent. */
    private boolean lineHeld(UUID sinkId, String orderingKey, long before) {
        return !em.createNativeQuery(LINE_HELD).setParameter(1, sinkId).setParameter(2, orderingKey)
                .setParameter(3, before).setMaxResults(1).getResultList().isEmpty();
    }

    private Delivery recorded(Notification notification) {
        return em.createNamedQuery(Delivery.BY_NOTIFICATION, Delivery.class).setParameter("id", notification.id())
                .setMaxResults(1).getResultStream().findFirst().orElse(null);
    }

    /**
     * The notification's row, locked until this transaction ends, for a change that depends on its status: a
     * concurrent writer of the row (the retry worker's batch that parked it when its lease ran out, or the first
     * sender recording its outcome while a redelivery takes it over) is waited for, and its status is then read as
     * it committed it. Without the lock both read {@code SENDING} and the later commit overwrote the other's outcome.
     */
    private Delivery recordedForUpdate(Notification notification) {
        return em.createNamedQuery(Delivery.BY_NOTIFICATION, Delivery.class).setParameter("id", notification.id())
                .setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultStream().findFirst().orElse(null);
    }

    public List<Delivery> ofEvent(String source, String id) {
        return em.createNamedQuery(Delivery.OF_EVENT, Delivery.class)
                .setParameter("key", Notification.eventKey(source, id)).setParameter("source", source)
                .setParameter("id", id).getResultList();
    }

    /** A webhook sink's deliveries at a glance. */
    public record SinkStatus(long waiting, long delivered, long dead, Instant lastDelivery, Instant lastFailure) {
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public SinkStatus status(UUID sinkId) {
        Map<DeliveryStatus, Long> counts = new EnumMap<>(DeliveryStatus.class);
        for (Object[] row : em.createNamedQuery(Delivery.COUNT_BY_STATUS, Object[].class)
                .setParameter("sinkId", sinkId).getResultList()) {
            counts.put((DeliveryStatus) row[0], (Long) row[1]);
        }
        return new SinkStatus(counts.getOrDefault(DeliveryStatus.WAITING, 0L)
                + counts.getOrDefault(DeliveryStatus.SENDING, 0L),
                counts.getOrDefault(DeliveryStatus.DELIVERED, 0L), counts.getOrDefault(DeliveryStatus.DEAD, 0L),
                em.createNamedQuery(Delivery.LAST_DELIVERED, Instant.class).setParameter("sinkId", sinkId)
                        .getSingleResult(),
                em.createNamedQuery(Delivery.LAST_FAILED, Instant.class).setParameter("sinkId", sinkId)
                        .getSingleResult());
    }

    /**
     * A page of a sink's dead letters, oldest first, after position {@code after}: those that died in
     * [{@code from}, {@code to}) and, if {@code subject} is given, of that subject only.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<Delivery> deadLetters(UUID sinkId, long after, int limit, Instant from, Instant to, String subject) {
        var query = em.createNamedQuery(subject == null ? Delivery.DEAD_OF_SINK : Delivery.DEAD_OF_SUBJECT,
                Delivery.class).setParameter("sinkId", sinkId).setParameter("after", after)
                .setParameter("from", from != null ? from : Instant.EPOCH)
                .setParameter("to", to != null ? to : FAR_FUTURE);
        if (subject != null) {
            query.setParameter("subject", subject);
        }
        return query.setMaxResults(limit).getResultList();
    }

    /** Puts one dead letter back in line (see {@link #redrive}); false if the sink has no such dead letter. */
    @Audited("sink.redrive-dead-letter")
    public boolean redriveOne(UUID sinkId, @Audited.Detail("notification") String notificationId) {
        return deadLetter(sinkId, notificationId).map(d -> {
            redriven(List.of(d), Instant.now());
            return true;
        }).orElse(false);
    }

    /** Gives up one dead letter for good; its row stays, without the body, as the record. False if there is none. */
    @Audited("sink.discard-dead-letter")
    public boolean discard(UUID sinkId, @Audited.Detail("notification") String notificationId) {
        return deadLetter(sinkId, notificationId).map(d -> {
            d.discarded(Instant.now());
            return true;
        }).orElse(false);
    }

    /** A dead letter, locked until this transaction ends (see {@link #lockedDead}). */
    private Optional<Delivery> deadLetter(UUID sinkId, String notificationId) {
        return lockedDead(em.createNamedQuery(Delivery.DEAD_BY_NOTIFICATION, Delivery.class)
                .setParameter("sinkId", sinkId).setParameter("id", notificationId)).stream().findFirst();
    }

    /**
     * Dead letters read under their locks, and only those still dead once the locks are held: an operator's discard
     * and a redrive of the same row (or two redrives) take turns, and the later one sees what the earlier committed,
     * instead of writing its own change over it. The status is checked again here as well, whatever the database
     * answers for a row that changed while it waited for the lock.
     */
    private List<Delivery> lockedDead(TypedQuery<Delivery> query) {
        return query.setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList().stream()
                .filter(d -> d.status() == DeliveryStatus.DEAD).toList();
    }

    /**
     * Puts a sink's dead letters back in line with a fresh schedule: all of them, or those that died between
     * {@code from} and {@code to} (either may be null). Each keeps its place among the notifications of its subject.
     */
    @Audited("sink.redrive-dead-letters")
    public int redrive(UUID sinkId, @Audited.Detail("from") Instant from,
            @Audited.Detail("to") Instant to) {
        DeliveryLedger pages = self != null ? self : this; // a test without a container: one transaction
        // the dead letters there are now: rows that die while the pages are read come after the last of them, so a
        // sink whose notifications keep dying (an address refused, a grant revoked) cannot keep a redrive going
        Long last = em.createNamedQuery(Delivery.LAST_DEAD_OF_SINK, Long.class).setParameter("sinkId", sinkId)
                .getSingleResult();
        if (last == null) {
            return 0;
        }
        int redriven = 0;
        RedrivePage page = new RedrivePage(0, Long.MIN_VALUE, true);
        while (page.full()) {
            page = pages.redrivePage(sinkId, from != null ? from : Instant.EPOCH, to != null ? to : FAR_FUTURE,
                    page.last(), last);
            redriven += page.redriven();
        }
        return redriven;
    }

    /**
     * Dead letters redriven in one transaction: how many, the position of the last read (the next page starts after
     * it), and whether the page was full (more may follow).
     */
    public record RedrivePage(int redriven, long last, boolean full) {
    }

    /**
     * One page of a redrive, in a transaction of its own: up to {@link #redrivePageSize} dead letters after position
     * {@code after}, in the order of position. A redrive read every dead letter of the sink, bodies and all, into one
     * transaction: a sink with hundreds of thousands could take the heap (a review found it, 2026-12-05). A row that
     * dies again while later pages are read keeps its position, behind the cursor, and none after {@code upTo} (the
     * last dead when the redrive began) is read, so a redrive ends.
     */
    public RedrivePage redrivePage(UUID sinkId, Instant from, Instant to, long after, long upTo) {
        // rows after upTo are neither read nor locked: a discard of one waits for no page
        List<Delivery> read = em.createNamedQuery(Delivery.DEAD_OF_SINK_UP_TO, Delivery.class)
                .setParameter("sinkId", sinkId).setParameter("after", after).setParameter("upTo", upTo)
                .setParameter("from", from).setParameter("to", to).setMaxResults(redrivePageSize)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
        List<Delivery> dead = read.stream().filter(d -> d.status() == DeliveryStatus.DEAD).toList();
        redriven(dead, Instant.now());
        em.flush();
        em.clear(); // what this page read is not held while the next is read (in a test's one transaction too)
        return new RedrivePage(dead.size(), read.isEmpty() ? after : read.get(read.size() - 1).position(),
                read.size() == redrivePageSize);
    }

    /**
     * Puts dead letters of one sink back in line, each in its place among the rows of its line (its position): the
     * first of each line is due from {@code now} unless a row of the line ahead of it waits or is being sent, and the
     * others wait behind it, with no time, as a parked row does ({@link #waiting}): each is made due when the row
     * ahead of it is done ({@link #lineMovedOn}), so the retry worker's read of due heads never reads them. The rows
     * are written first; then the rows ahead are found and locked as a park does ({@link #firstHolderLocked}), line by
     * line in the order of position, so that a row being sent is held only for the rest of this transaction, not
     * while thousands of dead letters are written. Those lookups do not flush ({@code COMMIT}): there is nothing left
     * to write, and a flush before each would check every loaded row again, line after line.
     */
    private void redriven(List<Delivery> dead, Instant now) {
        dead.forEach(d -> d.redriven(now));
        em.flush();
        Map<String, Delivery> firstOfLine = new HashMap<>();
        for (Delivery d : dead) {
            firstOfLine.merge(d.orderingKey(), d, (a, b) -> a.position() < b.position() ? a : b);
        }
        firstOfLine.values().stream().sorted(Comparator.comparingLong(Delivery::position))
                .filter(first -> !firstHolderLocked(first.sinkId(), first.orderingKey(), first.position(),
                        FlushModeType.COMMIT))
                .forEach(first -> first.due(now));
    }
}
