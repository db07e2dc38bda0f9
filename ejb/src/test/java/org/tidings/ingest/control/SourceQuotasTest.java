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

    /**
     * Events a source sent within its rate while no one consumed them (a database outage, a restart) drain at once
     * when consumption resumes: counted when the broker took them, they stay within the rate; counted at consumption,
     * all but a burst's worth were refused.
     */
    @Test
    void eventsSentWithinTheRateStayWithinItHoweverLongTheyWaitedOnTheQueue() {
        var wall = new AtomicLong(1_000_000);
        var atBroker = new SourceQuotas(2, 3, now::get, new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.ofEpochMilli(wall.get());
            }
        });
        long sentFrom = wall.get();
        wall.addAndGet(180_000); // three minutes later the backlog drains, all within a few milliseconds
        for (int i = 0; i < 360; i++) { // two a second, the rate, for those three minutes
            assertThat(atBroker.admitted(MAIL, SourceQuota.DEFAULTS, java.time.Instant.ofEpochMilli(sentFrom + 500L * i), null, false))
                    .as("event %d", i).isZero();
        }
        var last = java.time.Instant.ofEpochMilli(sentFrom + 500L * 359);
        for (int i = 0; i < 2; i++) { // each event took the token the half second before it brought
            assertThat(atBroker.admitted(MAIL, SourceQuota.DEFAULTS, last, null, false)).as("the rest of the burst").isZero();
        }
        assertThat(atBroker.admitted(MAIL, SourceQuota.DEFAULTS, last, null, false)).as("beyond the burst at that time").isPositive();
        for (int i = 0; i < 3; i++) {
            quotas.admitted(MAIL);
        }
        assertThat(quotas.admitted(MAIL)).as("counted at consumption, as before: over the burst").isPositive();
    }

    /**
     * A message let through is not counted again when the broker redelivers it after a failed try (its claim's
     * database down): at its stamp again, each try would take a token with none refilled between them. A new message
     * that reuses its id (a sender chooses its ids) is counted, as is one refused before, and one without an id.
     */
    @Test
    void aMessageLetThroughIsCountedOnceHoweverOftenItIsRedelivered() {
        var stamp = java.time.Instant.now();
        assertThat(quotas.admitted(MAIL, SourceQuota.DEFAULTS, stamp, "ID:tried", false)).isZero();
        for (int i = 0; i < 10; i++) {
            assertThat(quotas.admitted(MAIL, SourceQuota.DEFAULTS, stamp, "ID:tried", true)).as("try %d", i)
                    .isZero();
        }
        assertThat(quotas.admitted(MAIL, SourceQuota.DEFAULTS, stamp, "ID:tried", false)).as("its id reused")
                .isZero();
        assertThat(quotas.admitted(MAIL, SourceQuota.DEFAULTS, stamp, "ID:third", false)).isZero();
        assertThat(quotas.admitted(MAIL, SourceQuota.DEFAULTS, stamp, "ID:fourth", false)).as("the burst is three")
                .isPositive();
        assertThat(quotas.admitted(MAIL, SourceQuota.DEFAULTS, stamp, "ID:fourth", true)).as("refused before")
                .isPositive();
        assertThat(quotas.admitted(MAIL, SourceQuota.DEFAULTS, stamp, "ID:tried", false)).as("reused again, now over")
                .isPositive();
        assertThat(quotas.admitted(MAIL, SourceQuota.DEFAULTS, stamp, null, true)).as("no id").isPositive();
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
