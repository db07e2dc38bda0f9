package org.tidings.delivery.webhook;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Seals webhook secrets before they are stored, with the application's sealing key: {@code tidings.secrets.key}
 * (the base64 of 32 bytes) if it is set; else the key in the file {@code tidings.secrets.key-file} (default
 * {@value #DEFAULT_KEY_FILE} in the working directory), which is generated on first use, readable by its owner
 * only. Instances that start at the same time end with the same key: the file appears complete or not at all,
 * and only the first one to publish it wins. The key is never logged.
 */
@ApplicationScoped
public class SecretSealer {

    static final String KEY_PROPERTY = "tidings.secrets.key";
    static final String KEY_FILE_PROPERTY = "tidings.secrets.key-file";
    static final String DEFAULT_KEY_FILE = "tidings-secrets.key";
    private static final int KEY_BYTES = 32;
    private static final Logger LOG = Logger.getLogger(SecretSealer.class.getName());

    @Inject
    Config config;

    private Sealer sealer;

    @PostConstruct
    void loadKey() {
        sealer = new Sealer(keyFrom(config.getOptionalValue(KEY_PROPERTY, String.class),
                Path.of(config.getOptionalValue(KEY_FILE_PROPERTY, String.class).orElse(DEFAULT_KEY_FILE))));
    }

    public String seal(String plaintext) {
        return sealer.seal(plaintext);
    }

    public String open(String sealed) {
        return sealer.open(sealed);
    }

    /** {@link Sealer#seal(String, String)}: sealed bound to {@code context}. */
    public String seal(String plaintext, String context) {
        return sealer.seal(plaintext, context);
    }

    /** {@link Sealer#open(String, String)}: refused unless sealed for {@code context}. */
    public String open(String sealed, String context) {
        return sealer.open(sealed, context);
    }

    /** The sealing key: the configured one if present, else the one in the key file, generated if missing. */
    static byte[] keyFrom(Optional<String> configuredKey, Path keyFile) {
        if (configuredKey.isPresent()) {
            return decode(configuredKey.get(), KEY_PROPERTY);
        }
        if (!Files.exists(keyFile) && generate(keyFile)) {
            LOG.warning(() -> "generated the key that seals webhook secrets in " + keyFile.toAbsolutePath()
                    + "; back it up or set " + KEY_PROPERTY + ": without it, stored webhook secrets are lost");
        }
        try {
            return decode(Files.readString(keyFile, StandardCharsets.US_ASCII).strip(), "the key file " + keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key file " + keyFile, e);
        }
    }

    /**
     * Writes a new key to a temporary file and publishes it under the final name with a hard link, which, unlike
     * {@code Files.move(..., ATOMIC_MOVE)} (a rename(2) that replaces on Linux), fails if the name is taken.
     *
     * @return whether this call published the file (false: another instance was first)
     */
    private static boolean generate(Path keyFile) {
        Path directory = keyFile.toAbsolutePath().getParent();
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, ".tidings-secrets", ".tmp", ownerOnly());
            try {
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    channel.write(ByteBuffer.wrap(
                            (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII)));
                    channel.force(true);
                }
                Files.createLink(keyFile, temporary);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the key file " + keyFile, e);
        }
    }

    private static FileAttribute<?>[] ownerOnly() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }

    private static byte[] decode(String base64, String origin) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + " is not base64");
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(origin + " does not hold " + KEY_BYTES + " bytes");
        }
        return key;
    }
}
