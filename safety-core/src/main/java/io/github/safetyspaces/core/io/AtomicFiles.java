package io.github.safetyspaces.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes small files so that readers see the old content or the new content, never a part: the
 * text goes to a hidden temporary file beside the target, is forced to disk, and is renamed over
 * the target.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /**
     * Returns an unused hidden path beside {@code target} for a temporary file or directory.
     * {@code Files.createTempFile} would create it owner-only, and the rename would carry that mode
     * to the target; creating this path with {@code createFile} or {@code createDirectory} applies
     * the usual umask instead.
     *
     * @param target the final path
     * @param kind a word in the name, such as {@code partial}
     * @return a path in the target's directory
     */
    public static Path temporarySibling(Path target, String kind) {
        Path absolute = target.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + "." + kind + "-" + UUID.randomUUID());
    }

    /**
     * Writes a UTF-8 text file atomically, replacing any existing file.
     *
     * @param target the file
     * @param text its content
     * @throws UncheckedIOException naming the file when writing fails; no temporary file is left
     */
    public static void writeString(Path target, String text) {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a file atomically, replacing any existing file: the bytes go to a temporary file beside
     * it, which is flushed to disk and then renamed.
     *
     * @param target the file
     * @param content its bytes
     * @throws UncheckedIOException naming the file when writing fails; no temporary file is left
     */
    public static void write(Path target, byte[] content) {
        Path absolute = target.toAbsolutePath();
        Path temporary = temporarySibling(absolute, "tmp");
        try {
            Files.createFile(temporary);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new UncheckedIOException("Failed to write " + absolute + ": " + e.getMessage(), e);
        }
    }
}
