package org.tidings.pull.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;

/**
 * The positions of one pull subscription's feed (docs/adr/0015): the last sequence number handed out, the last one
 * deleted by retention, and the last one the receiver acknowledged. Read and changed only under the row's lock
 * ({@code PESSIMISTIC_WRITE}), held until the transaction that appends, prunes or acknowledges commits: numbers are
 * handed out in commit order, without gaps, and only the notifications of the same subscription wait for each other.
 * {@code @DynamicUpdate}: an update writes only the numbers it changed, so an ack, an append and retention never write
 * back each other's.
 */
@Entity
@DynamicUpdate
@Table(name = "subscription_sequence")
@NamedQuery(name = SubscriptionSequence.OF, query = "SELECT s FROM SubscriptionSequence s "
        + "WHERE s.subscriptionId IN :ids")
public class SubscriptionSequence {

    public static final String OF = "SubscriptionSequence.of";

    @Id
    @Column(name = "subscription_id", nullable = false)
    private UUID subscriptionId;

    @Column(name = "last_seq", nullable = false)
    private long lastSeq;

    @Column(name = "pruned_seq", nullable = false)
    private long prunedSeq;

    @Column(name = "acked_seq", nullable = false)
    private long ackedSeq;

    protected SubscriptionSequence() {
    }

    /** The counter of a subscription whose feed has no notification yet. */
    public SubscriptionSequence(UUID subscriptionId) {
        this.subscriptionId = subscriptionId;
    }

    /** The next sequence number, now taken: one more than the last, so the feed has no gaps. */
    public long next() {
        return ++lastSeq;
    }

    /** Every entry up to {@code seq} was deleted; the floor never goes down. */
    public void prunedThrough(long seq) {
        assert seq <= lastSeq : "only numbers handed out can be pruned";
        prunedSeq = Math.max(prunedSeq, seq);
    }

    /**
     * The receiver acknowledged everything up to {@code upTo}; an older ack changes nothing.
     *
     * @throws IllegalArgumentException if {@code upTo} was never handed out
     */
    public void ackedUpTo(long upTo) {
        if (upTo < 0 || upTo > lastSeq) {
            throw new IllegalArgumentException("upTo " + upTo + " is not a position of this feed (0 to " + lastSeq
                    + ")");
        }
        ackedSeq = Math.max(ackedSeq, upTo);
    }

    public FeedPositions positions() {
        return new FeedPositions(lastSeq, prunedSeq, ackedSeq);
    }

    public UUID subscriptionId() {
        return subscriptionId;
    }
}
