package org.tidings.bench.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the {@link WebhookReceiver} answered, one line per POST: {@code webhook-id}, the CloudEvent's id ("-" if the
 * body had none), the status answered, and whether the signature verified. Read back per scenario (the events of
 * that scenario's accepted ids), it tells which events reached the receiver with a 2xx, which {@code webhook-id}s
 * were answered 2xx more than once (duplicates a receiver drops by that id), and what must not happen at all.
 */
final class WebhookLog {

    /** One POST as the receiver answered it, in the order it answered. */
    record Entry(String webhookId, String eventId, String subject, int status, boolean signed) {

        String line() {
            return webhookId + "\t" + eventId + "\t" + status + "\t" + (signed ? "signed" : "BAD-SIGNATURE") + "\t"
                    + subject;
        }

        static Entry parse(String line) {
            String[] fields = line.split("\t", -1);
            return new Entry(fields[0], fields[1], fields[4], Integer.parseInt(fields[2]), "signed".equals(fields[3]));
        }

        boolean delivered() {
            return status / 100 == 2;
        }
    }

    private final Map<String, Integer> deliveriesPerWebhookId = new HashMap<>();
    private final Map<String, Set<String>> webhookIdsPerEvent = new HashMap<>();
    private final SubjectOrder order = new SubjectOrder();
    private int posts;
    private int badSignatures;
    private int withoutEvent;

    /** The entries of the log that concern {@code events}, plus those whose event is unknown ("-"). */
    static WebhookLog read(Path file, Set<String> events) throws IOException {
        WebhookLog log = new WebhookLog();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            lines = List.of();
        }
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Entry entry = Entry.parse(line);
            if ("-".equals(entry.eventId())) {
                log.posts++;
                log.withoutEvent++;
                log.badSignatures += entry.signed() ? 0 : 1;
            } else if (events.contains(entry.eventId())) {
                log.counted(entry);
            }
        }
        return log;
    }

    private void counted(Entry entry) {
        posts++;
        if (!entry.signed()) {
            badSignatures++;
        }
        if (entry.delivered()) {
            deliveriesPerWebhookId.merge(entry.webhookId(), 1, Integer::sum);
            if (!webhookIdsPerEvent.containsKey(entry.eventId())) {
                order.arrived(entry.subject(), entry.eventId());
            }
            webhookIdsPerEvent.computeIfAbsent(entry.eventId(), id -> new HashSet<>()).add(entry.webhookId());
        }
    }

    /** Events whose first 2xx came after that of a later event of the same subject. */
    int outOfOrder() {
        return order.outOfOrder();
    }

    /** The events of {@code events} never answered 2xx. */
    List<String> missing(Set<String> events) {
        List<String> missing = new ArrayList<>();
        for (String event : events) {
            if (!webhookIdsPerEvent.containsKey(event)) {
                missing.add(event);
            }
        }
        return missing;
    }

    /** The number of {@code webhook-id}s answered 2xx more than once. */
    long duplicateWebhookIds() {
        return deliveriesPerWebhookId.values().stream().filter(n -> n > 1).count();
    }

    /** Events delivered under more than one {@code webhook-id}: duplicates a receiver could not recognize. */
    List<String> underSeveralIds() {
        return webhookIdsPerEvent.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey)
                .sorted().toList();
    }

    int posts() {
        return posts;
    }

    int badSignatures() {
        return badSignatures;
    }

    int withoutEvent() {
        return withoutEvent;
    }
}
