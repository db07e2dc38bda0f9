package org.tidings.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretSealerTest {

    @TempDir
    Path directory;

    private final Logger logger = Logger.getLogger(SecretSealer.class.getName());
    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public synchronized void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        logger.addHandler(capture);
        logger.setUseParentHandlers(false);
    }

    @AfterEach
    void releaseLog() {
        logger.removeHandler(capture);
        logger.setUseParentHandlers(true);
    }

    @Test
    void aConfiguredKeyWinsAndNoFileIsWritten() {
        byte[] key = SealerTest.randomKey();
        Path file = directory.resolve("tidings-secrets.key");

        assertThat(SecretSealer.keyFrom(Optional.of(Base64.getEncoder().encodeToString(key)), file)).isEqualTo(key);
        assertThat(file).doesNotExist();
    }

    @Test
    void aMalformedConfiguredKeyIsRefusedWithoutRepeatingIt() {
        String sixteenBytes = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> SecretSealer.keyFrom(Optional.of(sixteenBytes), directory.resolve("k")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(sixteenBytes);
        assertThatThrownBy(() -> SecretSealer.keyFrom(Optional.of("not base64!"), directory.resolve("k")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("not base64!");
    }

    @Test
    void generatesAnOwnerOnlyKeyFileOnceAndWarnsOnceNamingIt() throws Exception {
        Path file = directory.resolve("sub").resolve("tidings-secrets.key");

        byte[] first = SecretSealer.keyFrom(Optional.empty(), file);
        byte[] again = SecretSealer.keyFrom(Optional.empty(), file);

        assertThat(first).hasSize(32).isEqualTo(again);
        assertThat(Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip()))
                .isEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(logged).singleElement().satisfies(record -> {
            assertThat(record.getLevel()).isEqualTo(Level.WARNING);
            assertThat(record.getMessage()).contains(file.toAbsolutePath().toString())
                    .doesNotContain(Base64.getEncoder().encodeToString(first));
        });
        try (var leftovers = Files.list(file.getParent())) {
            assertThat(leftovers).containsExactly(file);
        }
    }

    @Test
    void readsAnExistingKeyFile() throws Exception {
        byte[] key = SealerTest.randomKey();
        Path file = Files.writeString(directory.resolve("k"), Base64.getEncoder().encodeToString(key) + "\n");

        assertThat(SecretSealer.keyFrom(Optional.empty(), file)).isEqualTo(key);
        assertThat(logged).isEmpty();
    }

    @Test
    void aBrokenKeyFileIsRefusedWithoutRepeatingIt() throws Exception {
        Path file = Files.writeString(directory.resolve("k"), "c2hvcnQ=");

        assertThatThrownBy(() -> SecretSealer.keyFrom(Optional.empty(), file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString())
                .hasMessageNotContaining("c2hvcnQ=");
    }

    @Test
    void instancesRacingToCreateTheFileEndWithTheSameKey() throws Exception {
        int racers = 8;
        for (int round = 0; round < 20; round++) {
            Path file = directory.resolve("race-" + round);
            CyclicBarrier start = new CyclicBarrier(racers);
            ExecutorService pool = Executors.newFixedThreadPool(racers);
            try {
                List<Future<byte[]>> keys = new ArrayList<>();
                for (int i = 0; i < racers; i++) {
                    keys.add(pool.submit(() -> {
                        start.await();
                        return SecretSealer.keyFrom(Optional.empty(), file);
                    }));
                }
                byte[] first = keys.get(0).get();
                for (Future<byte[]> key : keys) {
                    assertThat(key.get()).isEqualTo(first);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(logged).hasSize(20);
    }
}
