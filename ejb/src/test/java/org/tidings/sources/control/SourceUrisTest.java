package org.tidings.sources.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SourceUrisTest {

    private static final String URI = "https://mail.example.com/store";

    private final SourceUris directory = new SourceUris();
    private final UUID deleted = UUID.randomUUID();
    private final UUID recreated = UUID.randomUUID();

    @Test
    void aDeleteAppliedAfterTheRecreateOfTheSameUriLeavesTheLiveSource() {
        directory.replaced(Map.of(deleted, URI));

        directory.present(recreated, URI);
        directory.absent(deleted);

        assertThat(directory.provisioned(URI)).isTrue();
    }

    @Test
    void aDeleteAppliedBeforeTheRecreateLeavesTheLiveSourceToo() {
        directory.replaced(Map.of(deleted, URI));

        directory.absent(deleted);
        assertThat(directory.provisioned(URI)).isFalse();
        directory.present(recreated, URI);

        assertThat(directory.provisioned(URI)).isTrue();
    }

    @Test
    void theUriGoesWithItsLastSource() {
        directory.replaced(Map.of(deleted, URI));
        directory.present(recreated, URI);

        directory.absent(recreated);
        directory.absent(deleted);

        assertThat(directory.provisioned(URI)).isFalse();
    }

    @Test
    void spellingsOfOneUriAreOneSource() {
        directory.present(recreated, "HTTPS://Mail.Example.COM/%7estore");

        assertThat(directory.provisioned("https://mail.example.com/~store")).isTrue();
        assertThat(directory.provisioned("https://mail.example.com/~Store")).isFalse();
    }

    @Test
    void aRepeatedChangeIsHarmless() {
        directory.present(recreated, URI);
        directory.present(recreated, URI);
        directory.absent(deleted);
        directory.absent(deleted);

        assertThat(directory.provisioned(URI)).isTrue();
    }
}
