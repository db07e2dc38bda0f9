package org.tidings.pull.boundary;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import org.tidings.pull.entity.FeedEntry;

/**
 * A page of a feed as the pull API answers it: the notifications in order, and {@code next}, the position to ask
 * after next time (the last notification's {@code seq}, or the position asked for if there was none).
 */
public record PageView(List<NotificationView> notifications, long next) {

    /** The CloudEvents extension attribute that carries the notification's sequence number (LEM-8). */
    public static final String SEQ_EXTENSION = "tidingsseq";

    /**
     * One notification: its sequence number, its id (the same as a webhook's {@code webhook-id} would be), when it was
     * stored, and the event as it was accepted, with {@value #SEQ_EXTENSION} added.
     */
    public record NotificationView(long seq, String id, Instant storedAt, JsonObject event) {
        static NotificationView of(FeedEntry entry) {
            return new NotificationView(entry.seq(), entry.notificationId(), entry.createdAt(), eventOf(entry));
        }
    }

    static PageView of(List<FeedEntry> entries, long after) {
        return new PageView(entries.stream().map(NotificationView::of).toList(),
                entries.isEmpty() ? after : entries.get(entries.size() - 1).seq());
    }

    static JsonObject eventOf(FeedEntry entry) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(entry.body()))) {
            return Json.createObjectBuilder(reader.readObject()).add(SEQ_EXTENSION, entry.seq()).build();
        }
    }
}
