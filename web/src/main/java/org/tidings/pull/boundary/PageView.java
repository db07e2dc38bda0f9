package org.tidings.pull.boundary;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import org.tidings.platform.ErrorCode;
import org.tidings.pull.boundary.Feeds.Page;
import org.tidings.pull.entity.FeedEntry;

/**
 * A page of a feed as the pull API answers it: the notifications in order, {@code next}, the position to ask after
 * next time (the last notification's {@code seq}, or the position asked for if there was none), and {@code more}:
 * whether more may be there already (the page holds as many as were asked for, or fewer because their bodies reached
 * {@code tidings.pull.max-page-bytes}), so that a client asks again at once rather than waiting.
 */
public record PageView(List<NotificationView> notifications, long next, boolean more) {

    /** The CloudEvents extension attribute that carries the notification's sequence number (LEM-8). */
    public static final String SEQ_EXTENSION = "tidingsseq";

    /** What a withheld notification carries in place of its event: the code of why (docs/adr/0022). */
    public static final String WITHHELD = ErrorCode.NOT_AUTHORIZED.code();

    /**
     * One notification: its sequence number, its id (the same as a webhook's {@code webhook-id} would be), when it was
     * stored, and the event as it was accepted, with {@value #SEQ_EXTENSION} added. Or, if its subscriber may no
     * longer see it (a see grant revoked after it was stored), no event and {@code withheld}: {@link #WITHHELD}. It
     * keeps its place, so that the sequence shows no gap.
     */
    public record NotificationView(long seq, String id, Instant storedAt, JsonObject event, String withheld) {
        static NotificationView of(FeedEntry entry, boolean withheld) {
            return withheld ? new NotificationView(entry.seq(), entry.notificationId(), entry.createdAt(), null, WITHHELD)
                    : new NotificationView(entry.seq(), entry.notificationId(), entry.createdAt(), eventOf(entry), null);
        }
    }

    static PageView of(Page page, long after, int limit) {
        List<FeedEntry> entries = page.entries();
        return new PageView(entries.stream().map(entry -> NotificationView.of(entry, page.isWithheld(entry))).toList(),
                entries.isEmpty() ? after : entries.get(entries.size() - 1).seq(), page.full(limit));
    }

    static PageView empty(long after) {
        return new PageView(List.of(), after, false);
    }

    static JsonObject eventOf(FeedEntry entry) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(entry.body()))) {
            return Json.createObjectBuilder(reader.readObject()).add(SEQ_EXTENSION, entry.seq()).build();
        }
    }

    /** A withheld notification as a server-sent event's data: its place in the feed and the code of why. */
    static JsonObject withheldOf(FeedEntry entry) {
        return Json.createObjectBuilder().add("seq", entry.seq()).add("id", entry.notificationId())
                .add("withheld", WITHHELD).build();
    }
}
