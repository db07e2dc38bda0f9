package org.tidings.trust.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A token written to a file only its owner can read (0600), whole or not at all, in two steps: prepared in a new
 * file beside its place (which shows the directory is writable before the token counts), then moved into place once
 * it does count. Another instance starting at once may prepare its own, but never replaces the file unless it won.
 */
public final class TokenFile {

    private TokenFile() {
    }

    /** Writes the token and a newline to a new 0600 file beside {@code file}; answers that file. */
    public static Path prepared(Path file, String token) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? Files.createTempFile(directory, ".token-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(directory, ".token-", ".tmp");
        try {
            Files.writeString(temporary, token + "\n", StandardCharsets.US_ASCII);
            return temporary;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** Moves a prepared token file into place, atomically, over whatever was there. */
    public static void placed(Path prepared, Path file) throws IOException {
        Files.move(prepared, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes a prepared token file that is not needed (this instance did not create the administrator). */
    public static void discarded(Path prepared) {
        try {
            Files.deleteIfExists(prepared);
        } catch (IOException ignored) {
            // a hidden temporary file of 0600 is left behind; it holds a token that was never valid
        }
    }
}
