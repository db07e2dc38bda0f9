package org.tidings.ingest.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.tidings.sources.entity.SourceQuota;

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

    @Test
    void aSourcesOwnQuotaReplacesTheDefaultsItSets() {
        var own = new SourceQuota(null, 5L, null); // its own burst, the default rate

        for (int i = 0; i < 5; i++) {
            assertThat(quotas.admitted(MAIL, own)).isZero();
        }
        assertThat(quotas.admitted(MAIL, own)).as("the default rate, 2 a second").isEqualTo(Duration.ofMillis(500));
        for (int i = 0; i < 3; i++) {
            assertThat(quotas.admitted(CALENDAR, SourceQuota.DEFAULTS)).isZero();
        }
        assertThat(quotas.admitted(CALENDAR, SourceQuota.DEFAULTS)).as("the default burst").isPositive();
    }

    @Test
    void aChangedQuotaAppliesAtTheNextEventWithoutRefillingTheBucket() {
        for (int i = 0; i < 3; i++) {
            quotas.admitted(MAIL);
        }
        var generous = new SourceQuota(1000d, 1000L, null);

        assertThat(quotas.admitted(MAIL, generous)).as("no new burst").isEqualTo(Duration.ofMillis(1));
        now.addAndGet(Duration.ofMillis(10).toNanos());
        for (int i = 0; i < 10; i++) {
            assertThat(quotas.admitted(MAIL, generous)).as("the new rate").isZero();
        }
        assertThat(quotas.admitted(MAIL, generous)).isPositive();
        assertThat(quotas.admitted(MAIL, SourceQuota.DEFAULTS)).as("back to the defaults")
                .isEqualTo(Duration.ofMillis(500));
    }
}
