package org.tidings.delivery.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NotificationTest {

    private static final UUID SINK = UUID.randomUUID();

    private static Notification of(String eventId, String subject) {
        UUID subscription = UUID.randomUUID();
        return new Notification(Notification.idOf("https://shop.example.com", eventId, subscription), SINK,
                subscription, subject, "https://shop.example.com", eventId,
                "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void notificationsOfOneSubjectShareALineWhoseKeyHasAFixedSize() {
        var first = of("1", "https://www.example.com/news");
        var second = of("2", "https://www.example.com/news");
        assertThat(first.orderingKey()).isEqualTo(second.orderingKey()).hasSize(43);
        assertThat(of("3", "x".repeat(8192)).orderingKey()).hasSize(43);
        assertThat(of("4", "https://www.example.com/other").orderingKey()).isNotEqualTo(first.orderingKey());
    }

    @Test
    void anUnorderedNotificationIsALineOfItsOwnAndOtherwiseTheSame() {
        var first = of("1", "https://www.example.com/news").unordered();
        var second = of("2", "https://www.example.com/news").unordered();
        assertThat(first.orderingKey()).isEqualTo(first.id()).isNotEqualTo(second.orderingKey());
        assertThat(first.orderingKey().length()).isLessThanOrEqualTo(64); // delivery.ordering_key is VARCHAR(64)
        assertThat(first.subject()).isEqualTo("https://www.example.com/news");
        assertThat(first.unordered().orderingKey()).isEqualTo(first.orderingKey());
    }
}
