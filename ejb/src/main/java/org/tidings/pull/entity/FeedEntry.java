package org.tidings.pull.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One notification in the feed of a pull subscription: its sequence number (gap-free and increasing per
 * subscription, docs/adr/0015) and the event's body as it was accepted.
 */
@Entity
@Table(name = "pull_notification")
@IdClass(FeedEntry.Key.class)
@NamedQuery(name = FeedEntry.AFTER, query = "SELECT e FROM FeedEntry e WHERE e.subscriptionId = :subscription "
        + "AND e.seq > :after ORDER BY e.seq")
@NamedQuery(name = FeedEntry.OLD, query = "SELECT e.subscriptionId, MAX(e.seq) FROM FeedEntry e "
        + "WHERE e.createdAt < :before GROUP BY e.subscriptionId")
@NamedQuery(name = FeedEntry.FIRST_KEPT, query = "SELECT MIN(e.seq) FROM FeedEntry e "
        + "WHERE e.subscriptionId = :subscription AND e.createdAt >= :before")
@NamedQuery(name = FeedEntry.DELETE_THROUGH, query = "DELETE FROM FeedEntry e WHERE e.subscriptionId = :subscription "
        + "AND e.seq <= :through")
public class FeedEntry {

    public static final String AFTER = "FeedEntry.after";
    public static final String OLD = "FeedEntry.old";
    public static final String FIRST_KEPT = "FeedEntry.firstKept";
    public static final String DELETE_THROUGH = "FeedEntry.deleteThrough";

    /** The primary key: subscription and sequence number. */
    public static class Key implements Serializable {
        private UUID subscriptionId;
        private long seq;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.seq == seq && Objects.equals(key.subscriptionId, subscriptionId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(subscriptionId, seq);
        }
    }

    @Id
    @Column(name = "subscription_id", nullable = false)
    private UUID subscriptionId;

    @Id
    @Column(nullable = false)
    private long seq;

    @Column(name = "notification_id", nullable = false, length = 60)
    private String notificationId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(nullable = false)
    private byte[] body;

    protected FeedEntry() {
    }

    public FeedEntry(UUID subscriptionId, long seq, String notificationId, Instant createdAt, byte[] body) {
        assert seq > 0 : "sequence numbers start at 1";
        this.subscriptionId = subscriptionId;
        this.seq = seq;
        this.notificationId = notificationId;
        this.createdAt = createdAt;
        this.body = body;
    }

    public UUID subscriptionId() {
        return subscriptionId;
    }

    public long seq() {
        return seq;
    }

    public String notificationId() {
        return notificationId;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public byte[] body() {
        return body;
    }
}
