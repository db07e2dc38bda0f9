package org.tidings.ingest.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long START = 123_456_789L;

    @Test
    void aFullBucketAdmitsItsBurstAtOnceThenSaysHowLongUntilTheNextToken() {
        var bucket = new TokenBucket(10, 3, START);

        assertThat(bucket.take(START)).isZero();
        assertThat(bucket.take(START)).isZero();
        assertThat(bucket.take(START)).isZero();

        assertThat(bucket.take(START)).isEqualTo(SECOND / 10);
        assertThat(bucket.take(START + SECOND / 20)).isEqualTo(SECOND / 20);
    }

    @Test
    void aRefusalTakesNothing() {
        var bucket = new TokenBucket(1, 1, START);
        bucket.take(START);

        for (int i = 0; i < 100; i++) {
            assertThat(bucket.take(START + SECOND / 2)).isPositive();
        }
        assertThat(bucket.take(START + SECOND)).isZero();
    }

    @Test
    void tokensComeBackAtTheRateAndNeverBeyondTheBurst() {
        var bucket = new TokenBucket(2, 4, START);
        for (int i = 0; i < 4; i++) {
            bucket.take(START);
        }

        long later = START + SECOND;
        assertThat(bucket.take(later)).isZero();
        assertThat(bucket.take(later)).isZero();
        assertThat(bucket.take(later)).isPositive();

        long muchLater = later + 3600 * SECOND;
        for (int i = 0; i < 4; i++) {
            assertThat(bucket.take(muchLater)).isZero();
        }
        assertThat(bucket.take(muchLater)).isEqualTo(SECOND / 2);
    }

    @Test
    void aSlowRateWaitsLong() {
        var bucket = new TokenBucket(0.01, 1, START);
        bucket.take(START);

        assertThat(bucket.take(START)).isEqualTo(100 * SECOND);
    }

    @Test
    void theWaitIsNeverZeroWhenRefused() {
        var bucket = new TokenBucket(1e12, 1, START);
        bucket.take(START);

        long wait = bucket.take(START);
        assertThat(wait).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aClockThatGoesBackRefillsNothing() {
        var bucket = new TokenBucket(1, 1, START);
        bucket.take(START);

        assertThat(bucket.take(START - 10 * SECOND)).isPositive();
        assertThat(bucket.take(START + SECOND)).isZero();
    }

    @Test
    void aRateOrBurstNoBucketCanHaveIsRefused() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, START)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(Double.NaN, 1, START)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0, START)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void newLimitsApplyFromNowWithoutAFullNewBurst() {
        var bucket = new TokenBucket(10, 3, START);
        bucket.take(START);
        bucket.take(START);

        // one token left; a larger burst does not fill the bucket
        assertThat(bucket.take(START, 10, 100)).isZero();
        assertThat(bucket.take(START, 10, 100)).as("nothing left").isEqualTo(SECOND / 10);
        // a tenth of a second at the old rate gave one token, then the rate is 1 a second
        assertThat(bucket.take(START + SECOND / 10, 1, 100)).isZero();
        assertThat(bucket.take(START + SECOND / 10, 1, 100)).isEqualTo(SECOND);
    }

    @Test
    void aSmallerBurstCutsWhatTheBucketHolds() {
        var bucket = new TokenBucket(1, 50, START);

        assertThat(bucket.take(START, 1, 2)).isZero();
        assertThat(bucket.take(START, 1, 2)).isZero();
        assertThat(bucket.take(START, 1, 2)).isPositive();
        assertThatThrownBy(() -> bucket.take(START, 0, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
