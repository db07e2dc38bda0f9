package org.tidings.delivery.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What makes two invalidations identical, and what a request may carry. */
class PurgeRequestTest {

    private static final URI CACHE = URI.create("http://127.0.0.1:6081");

    private static PurgeRequest keys(String value) {
        return new PurgeRequest(CACHE, "PURGE", "/", "127.0.0.1:6081", "xkey-purge", value);
    }

    @Test
    void purgesByKeysAreIdenticalOnlyWithTheSameKeysSoTheCoalescerSendsOtherKeysApart() throws Exception {
        assertThat(keys("k1 k2")).isEqualTo(keys("k1 k2")).hasSameHashCodeAs(keys("k1 k2"))
                .isNotEqualTo(keys("k1 k3")).isNotEqualTo(keys("k1"));

        AtomicLong now = new AtomicLong();
        var coalescer = new Coalescer<PurgeRequest, String>(Duration.ofSeconds(1), now::get, now::set);
        coalescer.enrol(List.of(keys("k1 k2"))).complete(request -> "sent"); // the window opens
        var leader = coalescer.enrol(List.of(keys("k1 k2")));
        assertThat(leader.joined()).isZero();
        assertThat(coalescer.enrol(List.of(keys("k1 k2"))).joined()).as("the same keys join").isEqualTo(1);
        assertThat(coalescer.enrol(List.of(keys("k1 k3"))).joined()).as("other keys go apart").isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " k1", "k1 ", "k1  k2", "k1\tk2", "k1\r\nX-Injected: 1", "caf\u00e9"})
    void theExtraHeaderHoldsPrintableAsciiWordsSeparatedBySingleSpaces(String value) {
        assertThatThrownBy(() -> keys(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value");
    }
}
