package org.tidings.bench.crash;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;

/**
 * Drains a sink's queue once everything has settled and counts the notifications per event id. Nothing else
 * consumes the queue and nothing crashes while it drains, so every copy counted is one Tidings sent, not a
 * redelivery to this consumer. The id comes from the {@code tidings_event_id} property, or from the body (the
 * event's own JSON) where that property is missing. It also collects each event's sequence number
 * ({@code tidings_seq}), to check that the subscription's numbers have no gaps.
 */
final class SinkTally {

    private static final Pattern EVENT_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final long QUIET_MILLIS = 3_000;
    /** The property that carries a JMS notification's sequence number (LEM-8), per subscription. */
    private static final String SEQUENCE = "tidings_seq";
    private static final String SUBSCRIPTION = "tidings_subscription_id";

    private final Map<String, Integer> copies = new HashMap<>();
    private final SubjectOrder order = new SubjectOrder();
    /** Per subscription, each event's sequence number (tidings_seq), from its first copy. */
    private final Map<String, Map<String, Long>> numbers = new HashMap<>();
    private int notifications;
    private int withoutId;
    private int withoutNumber;
    private int renumbered;

    /** Consumes every message of the queue; returns when none arrived for a few seconds after {@code expected}. */
    static SinkTally drain(ClientSession session, String queue, long expected) throws Exception {
        SinkTally tally = new SinkTally();
        try (ClientConsumer consumer = session.createConsumer(queue)) {
            while (true) {
                ClientMessage message = consumer.receive(tally.notifications < expected ? QUIET_MILLIS * 5 : QUIET_MILLIS);
                if (message == null) {
                    break;
                }
                tally.counted(eventId(message), subject(message), message.getStringProperty(SUBSCRIPTION),
                        message.containsProperty(SEQUENCE) ? message.getLongProperty(SEQUENCE) : null);
                message.acknowledge();
            }
        }
        return tally;
    }

    private void counted(String eventId, String subject, String subscription, Long number) {
        notifications++;
        if (number == null || subscription == null) {
            withoutNumber++;
        }
        if (eventId == null) {
            withoutId++;
            return;
        }
        if (copies.merge(eventId, 1, Integer::sum) == 1) {
            order.arrived(subject, eventId);
        }
        if (number != null && subscription != null) {
            Long first = numbers.computeIfAbsent(subscription, s -> new HashMap<>()).putIfAbsent(eventId, number);
            if (first != null && !first.equals(number)) {
                renumbered++; // a copy of an event under another number than its first
            }
        }
    }

    /** Notifications without a sequence number. */
    int withoutNumber() {
        return withoutNumber;
    }

    /** Copies of an event that carried another number than the event's first copy. */
    int renumbered() {
        return renumbered;
    }

    /** Numbers that two or more events of one subscription carried (each extra event counted). */
    int sharedNumbers() {
        return numbers.values().stream()
                .mapToInt(events -> events.size() - (int) events.values().stream().distinct().count()).sum();
    }

    /** Per subscription, the lowest and the highest number its events carried. */
    Map<String, long[]> numberRanges() {
        Map<String, long[]> ranges = new HashMap<>();
        numbers.forEach((subscription, events) -> {
            var stats = events.values().stream().mapToLong(Long::longValue).summaryStatistics();
            ranges.put(subscription, new long[] {stats.getMin(), stats.getMax()});
        });
        return ranges;
    }

    /** Numbers missing between each subscription's lowest and highest, summed. */
    long gapsWithin() {
        long gaps = 0;
        Map<String, long[]> ranges = numberRanges();
        for (var entry : numbers.entrySet()) {
            long[] range = ranges.get(entry.getKey());
            gaps += range[1] - range[0] + 1 - entry.getValue().values().stream().distinct().count();
        }
        return gaps;
    }

    /** Notifications that arrived after one of a later event of the same subject (first copies only). */
    int outOfOrder() {
        return order.outOfOrder();
    }

    Map<String, Integer> copies() {
        return copies;
    }

    int notifications() {
        return notifications;
    }

    int withoutId() {
        return withoutId;
    }

    private static String eventId(ClientMessage message) {
        String property = message.getStringProperty("tidings_event_id");
        if (property != null) {
            return property;
        }
        String body = body(message);
        Matcher id = EVENT_ID.matcher(body);
        return id.find() ? id.group(1) : null;
    }

    /** The event's subject: the notification's message group (JMSXGroupID), which Tidings sets to it. */
    private static String subject(ClientMessage message) {
        Object group = message.getGroupID();
        return group == null ? "" : group.toString();
    }

    private static String body(ClientMessage message) {
        if (message.getType() == Message.TEXT_TYPE) {
            var text = message.getBodyBuffer().readNullableSimpleString();
            return text == null ? "" : text.toString();
        }
        byte[] bytes = new byte[message.getBodyBuffer().readableBytes()];
        message.getBodyBuffer().readBytes(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
