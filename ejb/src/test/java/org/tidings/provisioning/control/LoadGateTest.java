package org.tidings.provisioning.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoadGateTest {

    @Test
    void aReaderBeforeTheFirstLoadFailsWhenTheWaitRunsOut() {
        var gate = new LoadGate("matching index", Duration.ofMillis(20));
        assertThatThrownBy(gate::awaitOpen).isInstanceOf(LoadGate.NotLoaded.class)
                .hasMessageContaining("matching index is not loaded yet");
    }

    @Test
    void aWaitingReaderGoesOnOnceTheViewIsLoaded() throws Exception {
        var gate = new LoadGate("matching index", Duration.ofMinutes(1));
        CompletableFuture<Void> reader = CompletableFuture.runAsync(gate::awaitOpen);
        assertThat(reader).isNotDone();
        gate.opened();
        reader.get(1, TimeUnit.MINUTES);
        assertThat(reader).isCompletedWithValue(null);
    }

    @Test
    void onceOpenItStaysOpen() {
        var gate = new LoadGate("source directory", Duration.ZERO);
        gate.opened();
        gate.awaitOpen();
        gate.awaitOpen();
        assertThat(gate.isOpen()).isTrue();
    }
}
