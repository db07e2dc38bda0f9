package org.tidings.ingest.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SourceQuotasTest {

    private static final String MAIL = "https://mail.example.com/store";
    private static final String CALENDAR = "https://calendar.example.com/";

    private final AtomicLong now = new AtomicLong(42);
    private final SourceQuotas quotas = new SourceQuotas(2, 3, now::get);

    @Test
    void eachSourceHasItsOwnBurst() {
        for (int i = 0; i < 3; i++) {
            assertThat(quotas.admitted(MAIL)).isZero();
        }
        assertThat(quotas.admitted(MAIL)).isEqualTo(Duration.ofMillis(500));

        for (int i = 0; i < 3; i++) {
            assertThat(quotas.admitted(CALENDAR)).as("another source is not affected").isZero();
        }
    }

    @Test
    void anOverQuotaSourceIsAdmittedAgainOnceItsWaitHasPassed() {
        for (int i = 0; i < 3; i++) {
            quotas.admitted(MAIL);
        }
        Duration wait = quotas.admitted(MAIL);

        now.addAndGet(wait.toNanos() - 1);
        assertThat(quotas.admitted(MAIL)).isEqualTo(Duration.ofNanos(1));
        now.addAndGet(1);
        assertThat(quotas.admitted(MAIL)).isZero();
        assertThat(quotas.admitted(MAIL)).isPositive();
    }
}
