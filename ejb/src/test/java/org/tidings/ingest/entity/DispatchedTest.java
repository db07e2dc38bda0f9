package org.tidings.ingest.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The stored form of an event's notifications for the deliveries queue (docs/adr/0012). */
class DispatchedTest {

    private static final UUID A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID B = UUID.fromString("70000000-0000-0000-0000-00000000000b");

    @Test
    void whatIsStoredReadsBackWithTheSourceAsSpelledAndTheIdsInOrder() {
        var dispatched = Dispatched.of("HTTPS://Mail.Example.com/böx?x=1", List.of(B, A, B));
        byte[] stored = dispatched.encoded();
        assertThat(stored).hasSize(4 + "HTTPS://Mail.Example.com/böx?x=1".getBytes(StandardCharsets.UTF_8).length
                + 2 * 16);
        assertThat(Dispatched.decoded(stored)).isEqualTo(dispatched);
        assertThat(Dispatched.decoded(stored).subscriptions()).containsExactly(A, B);
        assertThat(Dispatched.decoded(stored).eventSource()).isEqualTo("HTTPS://Mail.Example.com/böx?x=1");
    }

    @Test
    void noneIsStoredAsNothingAndAValueThatIsNotOneListsNothing() {
        assertThat(Dispatched.of("urn:x", List.of()).encoded()).isNull();
        assertThat(Dispatched.decoded(null)).isEqualTo(Dispatched.NONE);
        assertThat(Dispatched.decoded(new byte[] {1, 2})).isEqualTo(Dispatched.NONE);
        assertThat(Dispatched.decoded(ByteBuffer.allocate(8).putInt(1000).putInt(7).array()))
                .as("a length past the end").isEqualTo(Dispatched.NONE);
        assertThat(Dispatched.decoded(ByteBuffer.allocate(4 + 1 + 15).putInt(1).put((byte) 'u').array()))
                .as("a cut id").isEqualTo(Dispatched.NONE);
        assertThat(Dispatched.decoded(ByteBuffer.allocate(4).putInt(-1).array())).isEqualTo(Dispatched.NONE);
    }
}
