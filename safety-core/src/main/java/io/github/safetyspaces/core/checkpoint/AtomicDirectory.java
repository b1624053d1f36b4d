package io.github.safetyspaces.core.checkpoint;

import io.github.safetyspaces.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a directory so that it appears only when complete: its files go to a temporary sibling
 * directory, which is renamed to the target at the end. A failure deletes the temporary directory,
 * so a reader never sees a half-written checkpoint under the target name.
 */
public final class AtomicDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(AtomicDirectory.class);

    private AtomicDirectory() {
    }

    /**
     * Creates {@code target} by running {@code writer} on an empty temporary directory and renaming it.
     *
     * @param target directory to create; must not exist, or be an empty directory
     * @param writer writes the files into the directory it is given
     * @throws IllegalArgumentException if {@code target} exists and is not an empty directory
     * @throws UncheckedIOException if the directory cannot be created or renamed, naming the path
     */
    public static void write(Path target, Consumer<Path> writer) {
        Path absolute = target.toAbsolutePath();
        AtomicFiles.removeStaleTemporaries(absolute);
        if (Files.exists(absolute) && !isEmptyDirectory(absolute)) {
            throw new IllegalArgumentException("Output directory " + absolute
                    + " already exists and is not empty; delete it or choose another path.");
        }
        Path temporary = createTemporary(absolute);
        boolean moved = false;
        try {
            fill(temporary, absolute, writer);
            moveIntoPlace(temporary, absolute);
            moved = true;
        } finally {
            if (!moved) {
                deleteRecursively(temporary);
            }
        }
    }

    /**
     * Creates or replaces {@code target} by running {@code writer} on an empty temporary directory.
     * An existing target is renamed aside, the new directory renamed into place, and the old one
     * deleted, so at every moment the target name holds either the old or the new complete
     * directory, apart from the instant between the two renames.
     *
     * @param target directory to create or replace
     * @param writer writes the files into the directory it is given
     */
    public static void replace(Path target, Consumer<Path> writer) {
        Path absolute = target.toAbsolutePath();
        if (!Files.exists(absolute)) {
            write(absolute, writer);
            return;
        }
        if (!Files.isDirectory(absolute)) {
            throw new IllegalArgumentException("Output " + absolute + " exists and is not a directory; delete it"
                    + " or choose another path.");
        }
        AtomicFiles.removeStaleTemporaries(absolute);
        Path temporary = createTemporary(absolute);
        boolean moved = false;
        try {
            fill(temporary, absolute, writer);
            Path old = AtomicFiles.temporarySibling(absolute, "old");
            try {
                Files.move(absolute, old, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot move the old " + absolute + " aside: " + e.getMessage(), e);
            }
            try {
                moveIntoPlace(temporary, absolute);
            } catch (RuntimeException e) {
                restore(old, absolute, e);
                throw e;
            }
            moved = true;
            deleteRecursively(old);
        } finally {
            if (!moved) {
                deleteRecursively(temporary);
            }
        }
    }

    /** Runs the writer, naming the target in an I/O error, whose own path would name only the temporary. */
    private static void fill(Path temporary, Path target, Consumer<Path> writer) {
        try {
            writer.accept(temporary);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("Failed to write the directory " + target + ": " + e.getCause() + ". Check"
                    + " that " + target.getParent() + " is a writable folder with free space, or choose another output"
                    + " folder. The partial directory is deleted and " + target + " is left as it was.", e.getCause());
        }
    }

    /** Puts the old directory back under its name after the new one failed to move there. */
    private static void restore(Path old, Path target, RuntimeException failure) {
        try {
            Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            failure.addSuppressed(e);
            LOG.error("Could not restore {} from {}; the previous output is still there under that name.", target,
                    old, e);
        }
    }

    private static Path createTemporary(Path target) {
        Path temporary = AtomicFiles.temporarySibling(target, "partial");
        try {
            Files.createDirectories(target.getParent());
            return Files.createDirectory(temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory in " + target.getParent() + " to write "
                    + target + ": " + e + ". Check that " + target.getParent() + " is a writable folder with free"
                    + " space, or choose another output folder.", e);
        }
    }

    private static void moveIntoPlace(Path temporary, Path target) {
        try {
            Files.deleteIfExists(target); // only an empty directory can be here, checked above
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target);
            }
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            throw new IllegalArgumentException("Output directory " + target
                    + " was created by another process while this one was writing; delete it and run again.", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot rename " + temporary + " to " + target + ": " + e.getMessage(), e);
        }
    }

    private static boolean isEmptyDirectory(Path path) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + path + ": " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path directory) {
        AtomicFiles.deleteRecursively(directory);
    }
}
