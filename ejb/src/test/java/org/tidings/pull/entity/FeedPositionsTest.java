package org.tidings.pull.entity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FeedPositionsTest {

    /** A feed that handed out 1 to 10 and deleted 1 to 4 by retention: it keeps 5 to 10. */
    private static final FeedPositions KEEPS_5_TO_10 = new FeedPositions(10, 4, 0);

    @ParameterizedTest(name = "after {0}: {1}")
    @CsvSource({
        "4, true", // has 1 to 4, the rest is kept
        "7, true",
        "10, true", // up to date
        "3, false", // 4 was deleted before it was read
        "0, false",
        "11, false", // a position never handed out: another history
        "-1, false"})
    void aPositionCanBeContinuedOnlyIfNothingAfterItWasDeleted(long after, boolean continuable) {
        assertThat(KEEPS_5_TO_10.continuableFrom(after)).isEqualTo(continuable);
    }

    @ParameterizedTest
    @CsvSource({"0, true", "1, false"})
    void aNewFeedContinuesFromZeroOnly(long after, boolean continuable) {
        assertThat(FeedPositions.EMPTY.continuableFrom(after)).isEqualTo(continuable);
        assertThat(FeedPositions.EMPTY.oldest()).isEqualTo(1);
    }
}
