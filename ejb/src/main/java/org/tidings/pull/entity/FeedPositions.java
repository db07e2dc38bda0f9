package org.tidings.pull.entity;

/**
 * Where a pull subscription's feed stands: entries {@code pruned + 1} to {@code last} are kept (the oldest ones
 * are deleted after the retention), and the receiver acknowledged up to {@code acked}.
 */
public record FeedPositions(long last, long pruned, long acked) {

    public static final FeedPositions EMPTY = new FeedPositions(0, 0, 0);

    /** The oldest sequence number still kept (one more than {@link #last} when the feed has none). */
    public long oldest() {
        return pruned + 1;
    }

    /**
     * Whether a client that has everything up to {@code after} can continue from there: not if entries after its
     * position were deleted (it missed them), nor if its position is beyond the last one handed out (it holds a
     * position from another history, e.g. a restored database). Either way it must resynchronize (RUP-5, RUP-12).
     */
    public boolean continuableFrom(long after) {
        return after >= pruned && after <= last;
    }
}
