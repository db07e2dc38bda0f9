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
 * event's own JSON) where that property is missing.
 */
final class SinkTally {

    private static final Pattern EVENT_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final long QUIET_MILLIS = 3_000;

    private final Map<String, Integer> copies = new HashMap<>();
    private final SubjectOrder order = new SubjectOrder();
    private int notifications;
    private int withoutId;

    /** Consumes every message of the queue; returns when none arrived for a few seconds after {@code expected}. */
    static SinkTally drain(ClientSession session, String queue, long expected) throws Exception {
        SinkTally tally = new SinkTally();
        try (ClientConsumer consumer = session.createConsumer(queue)) {
            while (true) {
                ClientMessage message = consumer.receive(tally.notifications < expected ? QUIET_MILLIS * 5 : QUIET_MILLIS);
                if (message == null) {
                    break;
                }
                tally.counted(eventId(message), subject(message));
                message.acknowledge();
            }
        }
        return tally;
    }

    private void counted(String eventId, String subject) {
        notifications++;
        if (eventId == null) {
            withoutId++;
        } else if (copies.merge(eventId, 1, Integer::sum) == 1) {
            order.arrived(subject, eventId);
        }
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
