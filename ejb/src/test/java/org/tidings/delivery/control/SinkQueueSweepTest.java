package org.tidings.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The filter the sweep removes by; GrantsIT shows a real broker removing exactly those messages by it. */
class SinkQueueSweepTest {

    @Test
    void theSelectorNamesExactlyTheMessageIdsAndQuotesThem() {
        String selector = SinkQueueSweep.selecting(List.of("ID:1f2e", "ID:o'brien"));

        assertThat(selector).isEqualTo("AMQUserID IN ('ID:1f2e','ID:o''brien')");
    }
}
