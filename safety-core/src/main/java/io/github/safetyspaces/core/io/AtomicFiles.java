package io.github.safetyspaces.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes small files so that readers see the old content or the new content, never a part: the
 * text goes to a hidden temporary file beside the target, is forced to disk, and is renamed over
 * the target.
 *
 * <p>Every temporary file or directory of this project's writers is named by
 * {@link #temporarySibling}: {@code .<target name>.<kind>-<UUID>}. The leading dot hides it from
 * {@code verify}, the manifest and the report, and {@link #removeStaleTemporaries} finds the ones an
 * interrupted run left behind by that pattern.
 */
public final class AtomicFiles {

    /**
     * Age after which an unchanged temporary file or directory is taken as left by a killed process. A
     * writer changes its temporary as it writes, so ten minutes without a change means the writer is gone,
     * unless it stalled that long.
     */
    public static final Duration STALE_AFTER = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

    /** Suffix of a temporary name: the kind, then a random UUID. */
    private static final Pattern TEMPORARY_SUFFIX =
            Pattern.compile("\\.[a-z]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** Suffix that {@code SafetensorsWriter} used before it named temporaries by {@link #temporarySibling}. */
    private static final Pattern OLD_SAFETENSORS_SUFFIX =
            Pattern.compile("\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp");

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
     * Returns whether a file name is one that {@link #temporarySibling} creates for the target named
     * {@code targetName}.
     *
     * @param name the name of a file or directory
     * @param targetName the name of the target it would belong to
     * @return true for {@code .<targetName>.<kind>-<UUID>}
     */
    public static boolean isTemporaryOf(String name, String targetName) {
        String prefix = "." + targetName;
        if (!name.startsWith(prefix)) {
            return false;
        }
        String suffix = name.substring(prefix.length());
        return TEMPORARY_SUFFIX.matcher(suffix).matches() || OLD_SAFETENSORS_SUFFIX.matcher(suffix).matches();
    }

    /**
     * Deletes the temporary files and directories of {@code target} that an interrupted write left beside it:
     * those named by {@link #temporarySibling} and unchanged for {@link #STALE_AFTER}. A temporary changed
     * more recently may belong to a writer that is still running, and is kept.
     *
     * @param target the final path whose temporaries to delete
     * @return the number of temporaries deleted
     */
    public static int removeStaleTemporaries(Path target) {
        return removeStaleTemporaries(target, STALE_AFTER);
    }

    /**
     * Deletes the temporaries of {@code target} unchanged for at least {@code minimumAge}. A caller that holds
     * a lock which every writer of the target holds while writing may pass {@link Duration#ZERO}.
     *
     * @param target the final path whose temporaries to delete
     * @param minimumAge how long a temporary must have been unchanged
     * @return the number of temporaries deleted
     */
    public static int removeStaleTemporaries(Path target, Duration minimumAge) {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        String targetName = absolute.getFileName().toString();
        if (folder == null || !Files.isDirectory(folder)) {
            return 0;
        }
        Instant staleBefore = Instant.now().minus(minimumAge);
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : entries.toList()) {
                if (isTemporaryOf(entry.getFileName().toString(), targetName)
                        && !lastChange(entry).toInstant().isAfter(staleBefore)) {
                    stale.add(entry);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // Stale temporaries are hidden and harmless, so failing to list them must not fail a write.
            LOG.debug("Cannot list {} to remove stale temporaries: {}", folder, e.toString());
            return 0;
        }
        int removed = 0;
        for (Path entry : stale) {
            if (deleteRecursively(entry)) {
                LOG.info("Removed {}, left by a write that was interrupted before it finished.", entry);
                removed++;
            }
        }
        return removed;
    }

    /**
     * Creates a folder and its missing parents.
     *
     * @param folder the folder
     * @param role what the folder is for, such as {@code output folder}, for the message
     * @throws UncheckedIOException naming the folder and what to check when it cannot be created
     */
    public static void createDirectories(Path folder, String role) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the " + role + " " + folder.toAbsolutePath() + ": " + e
                    + ". Check that every part of the path is a writable folder and not a file, or choose another"
                    + " folder.", e);
        }
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
        removeStaleTemporaries(absolute);
        Path temporary = writeTemporary(absolute, content);
        try {
            moveIntoPlace(temporary, absolute);
        } catch (IOException e) {
            throw failure(absolute, temporary, e);
        }
    }

    /**
     * Writes files that belong together, such as a result table and its per-layer companion, so that the
     * first file exists only when the others of the same write do.
     *
     * <p>Every file is first written to its temporary. Only when all are complete are the old files deleted,
     * the first one first, and the new ones renamed into place, the first one last. A process killed at any
     * point leaves the old group, or the new group, or a group without its first file, which readers treat
     * as missing. A failure before the deletions leaves the old files untouched.
     *
     * @param contents the UTF-8 text of each file, in group order; the first file marks the group complete
     * @throws IllegalArgumentException if the map is empty
     * @throws UncheckedIOException naming the file when writing fails; no temporary file is left
     */
    public static void writeGroup(Map<Path, String> contents) {
        if (contents.isEmpty()) {
            throw new IllegalArgumentException("A file group needs at least one file.");
        }
        Map<Path, Path> temporaries = new LinkedHashMap<>();
        try {
            // Every new file complete beside its target before any old file goes.
            for (Map.Entry<Path, String> file : contents.entrySet()) {
                Path absolute = file.getKey().toAbsolutePath();
                removeStaleTemporaries(absolute);
                temporaries.put(absolute, writeTemporary(absolute, file.getValue().getBytes(StandardCharsets.UTF_8)));
            }

            // Old files out, the first one first, so no old first file is left next to new companions.
            for (Path absolute : temporaries.keySet()) {
                deleteOld(absolute);
            }

            // New files in, the first one last.
            List<Path> order = new ArrayList<>(temporaries.keySet());
            for (int i = order.size() - 1; i >= 0; i--) {
                Path absolute = order.get(i);
                try {
                    moveIntoPlace(temporaries.get(absolute), absolute);
                } catch (IOException e) {
                    throw failure(absolute, temporaries.get(absolute), e);
                }
                temporaries.remove(absolute);
            }
        } finally {
            temporaries.values().forEach(AtomicFiles::deleteRecursively);
        }
    }

    /**
     * Deletes the temporary of a failed write and describes the failure: the target, the cause, and what to
     * check.
     *
     * @param target the file that was being written
     * @param temporary its temporary, deleted here; may be null
     * @param cause the I/O error
     * @return the exception to throw
     */
    public static UncheckedIOException failure(Path target, Path temporary, IOException cause) {
        if (temporary != null) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                cause.addSuppressed(cleanup);
            }
        }
        return new UncheckedIOException("Failed to write " + target + ": " + cause + ". Check that "
                + target.getParent() + " is a writable folder with free space, or choose another output folder."
                + " No partial file was left.", cause);
    }

    /** Writes {@code content} to a new temporary beside {@code target} and forces it to disk. */
    private static Path writeTemporary(Path target, byte[] content) {
        Path temporary = temporarySibling(target, "tmp");
        try {
            Files.createFile(temporary);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            return temporary;
        } catch (IOException e) {
            throw failure(target, temporary, e);
        }
    }

    private static void moveIntoPlace(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteOld(Path target) {
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to delete the old " + target + " before replacing it: " + e
                    + ". Check that " + target.getParent() + " is writable.", e);
        }
    }

    /** Returns the newest modification time of a file, or of a directory and everything in it. */
    private static FileTime lastChange(Path path) {
        try (Stream<Path> tree = Files.walk(path)) {
            return tree.map(entry -> {
                try {
                    return Files.getLastModifiedTime(entry);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).max(Comparator.naturalOrder()).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes a file or a directory tree, logging what cannot be deleted.
     *
     * @param path the file or directory; nothing happens when it is missing
     * @return whether the path is gone
     */
    public static boolean deleteRecursively(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path entry : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(entry);
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            // The hidden name marks it as left over, and the caller's own error matters more.
            LOG.warn("Could not delete {}: {}; delete it by hand.", path, e.toString());
            return false;
        }
    }
}
