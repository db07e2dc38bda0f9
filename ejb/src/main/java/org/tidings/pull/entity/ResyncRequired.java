package org.tidings.pull.entity;

import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;

/**
 * A pull client asked for a position the feed cannot continue from (see {@link FeedPositions#continuableFrom}): it
 * may have missed notifications and must resynchronize, then read on from {@code current}. Oldest and current
 * travel as members of the problem document.
 */
public class ResyncRequired extends TidingsException {

    private final transient FeedPositions positions;

    public ResyncRequired(long after, FeedPositions positions) {
        super(ErrorCode.RESYNC_REQUIRED, "position " + after + " cannot be continued: the feed keeps "
                + positions.oldest() + " to " + positions.last() + "; resynchronize, then read after "
                + positions.last());
        this.positions = positions;
    }

    /** The oldest sequence number still kept. */
    public long oldest() {
        return positions.oldest();
    }

    /** The last sequence number handed out. */
    public long current() {
        return positions.last();
    }
}
