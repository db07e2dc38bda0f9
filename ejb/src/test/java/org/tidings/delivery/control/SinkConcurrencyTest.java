package org.tidings.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class SinkConcurrencyTest {

    @Test
    void aSinkAtItsLimitRefusesMoreUntilOneEndsAndOtherSinksAreNotAffected() {
        var concurrency = new SinkConcurrency(2);
        UUID slow = UUID.randomUUID();
        assertThat(concurrency.tryAcquire(slow)).isTrue();
        assertThat(concurrency.tryAcquire(slow)).isTrue();
        assertThat(concurrency.tryAcquire(slow)).isFalse();
        assertThat(concurrency.tryAcquire(UUID.randomUUID())).isTrue();
        concurrency.release(slow);
        assertThat(concurrency.tryAcquire(slow)).isTrue();
    }
}
