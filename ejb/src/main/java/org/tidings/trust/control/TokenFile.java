package org.tidings.trust.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** A token written to a file only its owner can read (0600), whole or not at all. */
public final class TokenFile {

    private TokenFile() {
    }

    /** Writes the token and a newline: first to a new 0600 file beside it, then moved over it atomically. */
    public static void write(Path file, String token) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? Files.createTempFile(directory, ".token-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(directory, ".token-", ".tmp");
        try {
            Files.writeString(temporary, token + "\n", StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Deletes the file if it holds this token (and not one another process wrote since). */
    public static void deleteIfHolding(Path file, String token) {
        try {
            if (Files.readString(file, StandardCharsets.US_ASCII).strip().equals(token)) {
                Files.delete(file);
            }
        } catch (IOException gone) {
            // nothing to delete
        }
    }
}
