package org.tidings.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.webhook.RetrySchedule;
import org.tidings.sinks.entity.Sink;

class RetrySchedulesTest {

    private final RetrySchedules schedules = new RetrySchedules();
    private final Sink sink = Sink.webhook("hooks", "https://hooks.example/", "v1:sealed", null, null, Instant.EPOCH);

    @BeforeEach
    void configure() {
        schedules.spec = "0s,1s,1m";
        schedules.parse();
    }

    @Test
    void aSinkWithoutItsOwnScheduleFollowsTheGlobalOne() {
        assertThat(schedules.of(sink).toString()).isEqualTo("0s,1s,1m");
    }

    @Test
    void aSinkWithItsOwnScheduleFollowsItAndReturnsToTheGlobalOneWhenItIsCleared() {
        sink.retryBy(RetrySchedule.ofSteps(List.of("PT0S", "PT0.2S", "PT5M", "PT1H")).toString());
        assertThat(schedules.of(sink).steps()).containsExactly("PT0S", "PT0.2S", "PT5M", "PT1H");
        assertThat(schedules.of(sink).attempts()).isEqualTo(4);

        sink.retryBy(null);
        assertThat(schedules.of(sink).attempts()).isEqualTo(3);
    }
}
