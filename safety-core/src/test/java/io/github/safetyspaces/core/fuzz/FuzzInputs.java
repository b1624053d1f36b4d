package io.github.safetyspaces.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes fuzzer inputs to files, because the readers under test take paths. One temporary
 * directory serves a whole run; each input overwrites the previous file of the same name.
 */
public final class FuzzInputs {

    private static final Path DIRECTORY = createDirectory();

    private FuzzInputs() {
    }

    /**
     * Writes bytes to a file of the given name in the run's directory.
     *
     * @param name the file name, whose extension some readers look at
     * @param bytes the content
     * @return the file
     */
    public static Path write(String name, byte[] bytes) {
        return write(DIRECTORY, name, bytes);
    }

    /**
     * Writes bytes to a file of the given name in a directory of {@link #directory(String)}.
     *
     * @param directory the directory
     * @param name the file name
     * @param bytes the content
     * @return the file
     */
    public static Path write(Path directory, String name, byte[] bytes) {
        Path file = directory.resolve(name);
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write fuzz input " + file + ": " + e, e);
        }
        return file;
    }

    /**
     * Returns a fresh subdirectory, for readers that look at files beside their input.
     *
     * @param name the subdirectory's name
     * @return the directory, created if missing; it holds only the files that its callers write
     */
    public static Path directory(String name) {
        Path directory = DIRECTORY.resolve(name);
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create fuzz directory " + directory + ": " + e, e);
        }
    }

    private static void deleteTree(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A leftover temporary directory is harmless, and a shutdown hook has no one to report to.
        }
    }

    private static Path createDirectory() {
        try {
            Path directory = Files.createTempDirectory("safety-fuzz-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(directory)));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for fuzz inputs: " + e, e);
        }
    }
}
