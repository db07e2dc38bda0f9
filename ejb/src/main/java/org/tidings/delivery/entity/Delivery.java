package org.tidings.delivery.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One notification handed to a webhook sink, and what became of it. {@link #position} orders the notifications of
 * one sink and ordering key as they were matched: a {@link DeliveryStatus#WAITING} row holds back every later row
 * of the same sink and key (docs/adr/0012).
 */
@Entity
@Table(name = "delivery")
@NamedQuery(name = Delivery.BY_NOTIFICATION, query = "SELECT d FROM Delivery d WHERE d.notificationId = :id")
// A notification being sent holds its line like a waiting one; one whose sender's lease ran out is parked
// (LEASE_RAN_OUT); whether a line is held so is read in one statement (DeliveryLedger.LINE_HELD). Each status is
// looked up with an equality: H2 2.2 bounds a scan of delivery_queue or delivery_due
// by the columns after status only under an equality on it (with IN it reads the line's whole history, or every
// waiting row).
@NamedQuery(name = Delivery.LEASE_RAN_OUT, query = "UPDATE Delivery d SET d.status = "
        + "org.tidings.delivery.entity.DeliveryStatus.WAITING, d.retrying = false, d.updatedAt = :now "
        + "WHERE d.status = "
        + "org.tidings.delivery.entity.DeliveryStatus.SENDING AND d.nextAttemptAt <= :now")
// a first attempt still running on a live instance keeps its row (FirstAttempts renews the lease)
@NamedQuery(name = Delivery.EXTEND_LEASES, query = "UPDATE Delivery d SET d.nextAttemptAt = :lease "
        + "WHERE d.notificationId IN :ids AND d.status = org.tidings.delivery.entity.DeliveryStatus.SENDING")
// :epoch (Instant.EPOCH) bounds the scan of delivery_due from below: H2 2.2 places the rows without a time (parked
// behind their lines) first in the index and, without it, reads them all (DeliveryLinesScanTest)
@NamedQuery(name = Delivery.DUE_HEADS, query = "SELECT d FROM Delivery d WHERE d.status = "
        + "org.tidings.delivery.entity.DeliveryStatus.WAITING AND d.nextAttemptAt >= :epoch "
        + "AND d.nextAttemptAt <= :now AND NOT EXISTS ("
        + "SELECT e.position FROM Delivery e WHERE e.sinkId = d.sinkId AND e.orderingKey = d.orderingKey "
        + "AND e.status = org.tidings.delivery.entity.DeliveryStatus.WAITING AND e.position < d.position) "
        + "AND NOT EXISTS (SELECT f.position FROM Delivery f WHERE f.sinkId = d.sinkId "
        + "AND f.orderingKey = d.orderingKey AND f.status = org.tidings.delivery.entity.DeliveryStatus.SENDING "
        + "AND f.position < d.position) "
        + "AND d.sinkId NOT IN :leftAlone AND NOT EXISTS (SELECT s.id FROM Sink s WHERE s.id = d.sinkId "
        + "AND s.disabledAt IS NOT NULL) ORDER BY d.nextAttemptAt, d.position")
// a row parked behind its line whose line no longer holds it (the finish that should have made it due did not get its
// lock): made due, by the retry worker now and then (DeliveryRetries.LEFT_BEHIND_EVERY); it reads every row parked
// behind a line, so it does not run every second
@NamedQuery(name = Delivery.LEFT_BEHIND, query = "UPDATE Delivery d SET d.nextAttemptAt = :now WHERE d.status = "
        + "org.tidings.delivery.entity.DeliveryStatus.WAITING AND d.nextAttemptAt IS NULL AND NOT EXISTS ("
        + "SELECT e.position FROM Delivery e WHERE e.sinkId = d.sinkId AND e.orderingKey = d.orderingKey "
        + "AND e.status = org.tidings.delivery.entity.DeliveryStatus.WAITING AND e.position < d.position) "
        + "AND NOT EXISTS (SELECT f.position FROM Delivery f WHERE f.sinkId = d.sinkId "
        + "AND f.orderingKey = d.orderingKey AND f.status = org.tidings.delivery.entity.DeliveryStatus.SENDING "
        + "AND f.position < d.position)")
// the first waiting row of a line, unless a row ahead of it is being sent; ordered by all of delivery_queue's columns,
// as H2 2.2 reads an index in order only for an ORDER BY from its first column (by position alone it read and sorted
// every waiting row of the line: DeliveryLinesScanTest)
@NamedQuery(name = Delivery.NEXT_IN_LINE, query = "SELECT d FROM Delivery d WHERE d.sinkId = :sinkId "
        + "AND d.orderingKey = :key AND d.status = org.tidings.delivery.entity.DeliveryStatus.WAITING "
        + "AND NOT EXISTS (SELECT f.position FROM Delivery f WHERE f.sinkId = d.sinkId "
        + "AND f.orderingKey = d.orderingKey AND f.status = org.tidings.delivery.entity.DeliveryStatus.SENDING "
        + "AND f.position < d.position) ORDER BY d.sinkId, d.orderingKey, d.status, d.position")
@NamedQuery(name = Delivery.OF_EVENT, query = "SELECT d FROM Delivery d WHERE d.eventKey = :key "
        + "AND d.eventSource = :source AND d.eventId = :id ORDER BY d.position")
@NamedQuery(name = Delivery.COUNT_BY_STATUS, query = "SELECT d.status, COUNT(d) FROM Delivery d "
        + "WHERE d.sinkId = :sinkId GROUP BY d.status")
@NamedQuery(name = Delivery.LAST_DELIVERED, query = "SELECT MAX(d.updatedAt) FROM Delivery d "
        + "WHERE d.sinkId = :sinkId AND d.status = org.tidings.delivery.entity.DeliveryStatus.DELIVERED")
@NamedQuery(name = Delivery.LAST_FAILED, query = "SELECT MAX(d.updatedAt) FROM Delivery d "
        + "WHERE d.sinkId = :sinkId AND d.status <> org.tidings.delivery.entity.DeliveryStatus.DELIVERED "
        + "AND d.attempts > 0")
@NamedQuery(name = Delivery.COUNT_UNDELIVERED, query = "SELECT COUNT(d) FROM Delivery d WHERE d.sinkId = :sinkId "
        + "AND d.status IN (org.tidings.delivery.entity.DeliveryStatus.WAITING, "
        + "org.tidings.delivery.entity.DeliveryStatus.SENDING, org.tidings.delivery.entity.DeliveryStatus.DEAD)")
@NamedQuery(name = Delivery.DISCARD_UNDELIVERED, query = "UPDATE Delivery d SET d.status = "
        + "org.tidings.delivery.entity.DeliveryStatus.DISCARDED, d.retrying = false, d.body = NULL, d.nextAttemptAt = NULL, "
        + "d.updatedAt = :now WHERE d.sinkId = :sinkId AND d.status IN ("
        + "org.tidings.delivery.entity.DeliveryStatus.WAITING, org.tidings.delivery.entity.DeliveryStatus.SENDING, "
        + "org.tidings.delivery.entity.DeliveryStatus.DEAD)")
@NamedQuery(name = Delivery.DEAD_OF_SINK_UP_TO, query = "SELECT d FROM Delivery d WHERE d.sinkId = :sinkId "
        + "AND d.status = org.tidings.delivery.entity.DeliveryStatus.DEAD AND d.position > :after "
        + "AND d.position <= :upTo AND d.updatedAt >= :from AND d.updatedAt < :to ORDER BY d.position")
@NamedQuery(name = Delivery.LAST_DEAD_OF_SINK, query = "SELECT MAX(d.position) FROM Delivery d WHERE d.sinkId = :sinkId "
        + "AND d.status = org.tidings.delivery.entity.DeliveryStatus.DEAD")
@NamedQuery(name = Delivery.DEAD_OF_SINK, query = "SELECT d FROM Delivery d WHERE d.sinkId = :sinkId "
        + "AND d.status = org.tidings.delivery.entity.DeliveryStatus.DEAD AND d.position > :after "
        + "AND d.updatedAt >= :from AND d.updatedAt < :to ORDER BY d.position")
@NamedQuery(name = Delivery.DEAD_OF_SUBJECT, query = "SELECT d FROM Delivery d WHERE d.sinkId = :sinkId "
        + "AND d.status = org.tidings.delivery.entity.DeliveryStatus.DEAD AND d.position > :after "
        + "AND d.updatedAt >= :from AND d.updatedAt < :to AND d.subject = :subject "
        + "ORDER BY d.position")
@NamedQuery(name = Delivery.DEAD_BY_NOTIFICATION, query = "SELECT d FROM Delivery d WHERE d.sinkId = :sinkId "
        + "AND d.notificationId = :id AND d.status = org.tidings.delivery.entity.DeliveryStatus.DEAD")
// one status at a time: H2 2.2 bounds an index scan by updated_at only under an equality on status (with IN it
// reads every row of both statuses, a week of deliveries, whenever there is nothing left to delete)
@NamedQuery(name = Delivery.FINISHED_BEFORE, query = "SELECT d.position FROM Delivery d WHERE d.status = :status "
        + "AND d.updatedAt < :before")
@NamedQuery(name = Delivery.ACKED, query = "UPDATE Delivery d SET d.status = "
        + "org.tidings.delivery.entity.DeliveryStatus.DELIVERED, d.body = NULL, d.updatedAt = :now "
        + "WHERE d.subscriptionId = :subscription AND d.status = org.tidings.delivery.entity.DeliveryStatus.PENDING "
        + "AND d.seq <= :upTo")
// a pending pull notification whose feed entry retention deleted: no receiver can read it any more, and a later ack
// that covers it proves nothing (after a resync a client acks past what it never read), so it is settled as not
// delivered; by an equality on status, so that H2 reads only the subscription's pending rows of
// delivery_subscription_seq (NeverAcknowledgedScanTest)
@NamedQuery(name = Delivery.NEVER_ACKNOWLEDGED, query = "UPDATE Delivery d SET d.status = "
        + "org.tidings.delivery.entity.DeliveryStatus.DISCARDED, d.lastAnswer = :reason, d.body = NULL, "
        + "d.nextAttemptAt = NULL, d.updatedAt = :now WHERE d.subscriptionId = :subscription "
        + "AND d.status = org.tidings.delivery.entity.DeliveryStatus.PENDING AND d.seq <= :through")
@NamedQuery(name = Delivery.DELETE_POSITIONS, query = "DELETE FROM Delivery d WHERE d.position IN :positions")
public class Delivery {

    public static final String BY_NOTIFICATION = "Delivery.byNotification";
    public static final String DUE_HEADS = "Delivery.dueHeads";
    public static final String LEASE_RAN_OUT = "Delivery.leaseRanOut";
    public static final String EXTEND_LEASES = "Delivery.extendLeases";
    public static final String NEXT_IN_LINE = "Delivery.nextInLine";
    public static final String LEFT_BEHIND = "Delivery.leftBehind";
    public static final String OF_EVENT = "Delivery.ofEvent";
    public static final String COUNT_BY_STATUS = "Delivery.countByStatus";
    public static final String LAST_DELIVERED = "Delivery.lastDelivered";
    public static final String LAST_FAILED = "Delivery.lastFailed";
    public static final String COUNT_UNDELIVERED = "Delivery.countUndelivered";
    public static final String DISCARD_UNDELIVERED = "Delivery.discardUndelivered";
    public static final String DEAD_OF_SINK = "Delivery.deadOfSink";
    public static final String LAST_DEAD_OF_SINK = "Delivery.lastDeadOfSink";
    public static final String DEAD_OF_SINK_UP_TO = "Delivery.deadOfSinkUpTo";
    public static final String DEAD_OF_SUBJECT = "Delivery.deadOfSubject";
    public static final String DEAD_BY_NOTIFICATION = "Delivery.deadByNotification";
    public static final String FINISHED_BEFORE = "Delivery.finishedBefore";
    public static final String DELETE_POSITIONS = "Delivery.deletePositions";
    public static final String ACKED = "Delivery.acked";
    public static final String NEVER_ACKNOWLEDGED = "Delivery.neverAcknowledged";

    /** The last answer recorded for a pull notification settled by {@link #NEVER_ACKNOWLEDGED}. */
    public static final String UNACKNOWLEDGED_ANSWER = "never acknowledged: its feed entry was deleted by retention "
            + "(tidings.pull.retention) before the receiver acknowledged it";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long position;

    @Column(name = "notification_id", nullable = false, length = 60)
    private String notificationId;

    @Column(name = "sink_id", nullable = false)
    private UUID sinkId;

    @Column(name = "subscription_id", nullable = false)
    private UUID subscriptionId;

    @Column(name = "ordering_key", nullable = false, length = 64)
    private String orderingKey;

    @Column(nullable = false, length = 8192)
    private String subject;

    @Column(name = "event_key", nullable = false, length = 64)
    private String eventKey;

    @Column(name = "event_source", nullable = false, length = 8192)
    private String eventSource;

    @Column(name = "event_id", nullable = false, length = 1024)
    private String eventId;

    @Column(name = "body")
    private byte[] body;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    private DeliveryStatus status;

    @Column(nullable = false)
    private int attempts;

    /** True while the retry worker holds the row SENDING: not a first sender's, so no redelivery takes it over. */
    @Column(nullable = false)
    private boolean retrying;

    /**
     * When a waiting row is due (the first of its line is taken then), or the end of a sending row's lease. Null for a
     * row that is finished, or that waits behind an earlier one of its line ({@link #parked}): it is due only once
     * the rows ahead of it are done, and made so ({@link #due}) by the one that finishes last (docs/adr/0012).
     */
    @Column(name = "next_attempt_at")
    private Instant nextAttemptAt;

    @Column(name = "last_status")
    private Integer lastStatus;

    @Column(name = "last_answer", length = 500)
    private String lastAnswer;

    /**
     * The notification's sequence number in its subscription (docs/adr/0015): a pull notification's place in its feed,
     * the {@code tidingsseq} a webhook or purge notification is sent with; null if it was never numbered (its sink was
     * gone when it arrived).
     */
    @Column(name = "seq")
    private Long seq;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Delivery() {
    }

    public Delivery(Notification notification, Instant now) {
        this.notificationId = notification.id();
        this.sinkId = notification.sinkId();
        this.subscriptionId = notification.subscriptionId();
        this.orderingKey = notification.orderingKey();
        this.subject = notification.subject();
        this.eventKey = Notification.eventKey(notification.eventSource(), notification.eventId());
        this.eventSource = notification.eventSource();
        this.eventId = notification.eventId();
        this.body = notification.body();
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** Answered 2xx after {@code attempts} attempts in all; the body is no longer needed. */
    public void delivered(int attemptsMade, int httpStatus, String answer, Instant now) {
        answered(attemptsMade, httpStatus, answer, now);
        this.status = DeliveryStatus.DELIVERED;
        this.nextAttemptAt = null;
        this.body = null;
    }

    /**
     * Stored in its subscription's feed as number {@code seq}: delivered, or {@link DeliveryStatus#PENDING} until
     * the receiver acknowledges it if {@code ackRequired}. The feed holds the body, so the record does not.
     */
    public void stored(long seq, boolean ackRequired, Instant now) {
        this.seq = seq;
        this.status = ackRequired ? DeliveryStatus.PENDING : DeliveryStatus.DELIVERED;
        this.body = null;
        this.updatedAt = now;
    }

    /** Numbered {@code seq} and being sent for the first time, by a sender that holds it until {@code lease}. */
    public void sending(long seq, Instant lease, Instant now) {
        this.retrying = false;
        this.seq = seq;
        this.status = DeliveryStatus.SENDING;
        this.nextAttemptAt = lease;
        this.updatedAt = now;
    }

    /** Taken from the waiting by the retry worker for its next attempt, by a sender that holds it until {@code lease}. */
    public void retrying(Instant lease, Instant now) {
        this.retrying = true;
        this.status = DeliveryStatus.SENDING;
        this.nextAttemptAt = lease;
        this.updatedAt = now;
    }

    /**
     * Numbered {@code seq} and parked until {@code next}, unattempted; or, with {@code next} null, behind an earlier
     * row of its line that waits or is being sent: not due by itself, so the retry worker's search for due rows does
     * not read it (docs/adr/0012).
     */
    public void parked(long seq, Instant next, Instant now) {
        this.seq = seq;
        waitUntil(next, 0, null, null, now);
    }

    /**
     * Due from {@code now}: the rows of its line ahead of it are done. Kept to the microsecond, as the databases
     * store it: rounded up instead (H2 and pgjdbc round half up), a claim at {@code now} would find it not yet due.
     */
    public void due(Instant now) {
        this.nextAttemptAt = now.truncatedTo(ChronoUnit.MICROS);
        this.updatedAt = now;
    }

    /** Waits until {@code next}; {@code attemptsMade} counts the attempts so far. */
    public void waitUntil(Instant next, int attemptsMade, Integer httpStatus, String answer, Instant now) {
        answered(attemptsMade, httpStatus, answer, now);
        this.status = DeliveryStatus.WAITING;
        this.nextAttemptAt = next;
    }

    public void dead(int attemptsMade, Integer httpStatus, String answer, Instant now) {
        answered(attemptsMade, httpStatus, answer, now);
        this.status = DeliveryStatus.DEAD;
        this.nextAttemptAt = null;
    }

    /**
     * Back in line after a redrive, with a fresh schedule, in its place among the rows of its sink and subject: with no
     * time, behind the rows ahead of it, until it is made due ({@link #due}).
     */
    public void redriven(Instant now) {
        this.retrying = false;
        this.status = DeliveryStatus.WAITING;
        this.attempts = 0;
        this.nextAttemptAt = null;
        this.updatedAt = now;
    }

    /** What a row whose sink is gone records: it is {@link #sinkGone discarded} with this answer. */
    public static final String SINK_GONE = "the sink no longer exists";

    /**
     * Its sink was deleted (a notification routed, or parked, before the deletion): discarded, without the body, as a
     * purging deletion discards the rows it finds. As a dead letter it kept the body for ever: nothing could redrive,
     * discard or prune it once its sink was gone (a hostile review).
     */
    public void sinkGone(int attemptsMade, Instant now) {
        answered(attemptsMade, null, SINK_GONE, now);
        discarded(now);
    }

    /** Given up by the operator: the row stays as the record of it, without the body. */
    public void discarded(Instant now) {
        this.retrying = false;
        this.status = DeliveryStatus.DISCARDED;
        this.nextAttemptAt = null;
        this.body = null;
        this.updatedAt = now;
    }

    private void answered(int attemptsMade, Integer httpStatus, String answer, Instant now) {
        this.retrying = false;
        this.attempts = attemptsMade;
        if (httpStatus != null || answer != null) {
            this.lastStatus = httpStatus;
            this.lastAnswer = answer == null || answer.length() <= 500 ? answer : answer.substring(0, 500);
        }
        this.updatedAt = now;
    }

    /** The notification as it is sent: with its sequence number, if it has one. */
    public Notification notification() {
        var notification = new Notification(notificationId, sinkId, subscriptionId, subject, eventSource, eventId, body,
                orderingKey);
        return seq == null ? notification : notification.numbered(seq);
    }

    /** The event as accepted, while the record still holds it (until it is delivered or given up), else null. */
    public byte[] body() {
        return body == null ? null : body.clone();
    }

    public Long position() {
        return position;
    }

    public String notificationId() {
        return notificationId;
    }

    public UUID sinkId() {
        return sinkId;
    }

    public UUID subscriptionId() {
        return subscriptionId;
    }

    public String orderingKey() {
        return orderingKey;
    }

    public String subject() {
        return subject;
    }

    public String eventSource() {
        return eventSource;
    }

    public String eventId() {
        return eventId;
    }

    public Long seq() {
        return seq;
    }

    public DeliveryStatus status() {
        return status;
    }

    public int attempts() {
        return attempts;
    }

    /** True if the row is being sent by the retry worker, not by a first sender. */
    public boolean retrying() {
        return retrying;
    }

    public Instant nextAttemptAt() {
        return nextAttemptAt;
    }

    public Integer lastStatus() {
        return lastStatus;
    }

    public String lastAnswer() {
        return lastAnswer;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}
