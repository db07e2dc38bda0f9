package org.tidings.ingest.control;

import java.util.function.BiPredicate;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;

/**
 * Who may put an event of a source on the events queue (docs/adr/0021). The sender is the user the broker says the
 * sending connection authenticated as ({@code _AMQ_VALIDATED_USER}, which the broker writes on every message over
 * whatever the client set, for every protocol), never anything else the message carries. Accepted: the broker user
 * the event's source names, and Tidings' own account, which HTTP ingest sends with after its own token check.
 */
public final class BrokerSenders {

    private final String applicationUser;
    private final BiPredicate<String, String> speaksFor;

    /**
     * @param applicationUser Tidings' own broker account ({@code tidings.broker.user})
     * @param speaksFor       whether a broker user (second) speaks for the source with this key (first)
     */
    public BrokerSenders(String applicationUser, BiPredicate<String, String> speaksFor) {
        this.applicationUser = applicationUser;
        this.speaksFor = speaksFor;
    }

    /**
     * Refuses an event of source {@code sourceKey} (its normal form) sent by {@code sender}: with
     * {@link ErrorCode#UNAUTHENTICATED_SENDER} when the broker named no sender, with {@link ErrorCode#FORGED_SOURCE}
     * when the sender is neither Tidings nor the source's broker user.
     */
    public void requireSpeaksFor(String sender, String sourceKey) {
        if (sender == null || sender.isEmpty()) {
            throw new TidingsException(ErrorCode.UNAUTHENTICATED_SENDER, "the broker did not say which user sent this "
                    + "event; nothing was accepted");
        }
        if (!sender.equals(applicationUser) && !speaksFor.test(sourceKey, sender)) {
            throw new TidingsException(ErrorCode.FORGED_SOURCE, "broker user " + sender + " does not speak for source "
                    + sourceKey + "; nothing was accepted");
        }
    }
}
