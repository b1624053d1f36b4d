package io.github.safetyspaces.core;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the shared reference data (models and data sets kept outside the repository) for tests.
 *
 * <p>The folder is the system property {@value #PROPERTY} if set, else the first {@code shared/data}
 * found beside the working directory or one of its ancestors (from a module directory of a checkout
 * with {@code shared/} next to it, that is {@code ../../shared/data}). A test that needs it is skipped
 * with a message when it is absent, and fails instead when the environment variable {@code CI} is
 * {@code true}, because CI always provides the data.
 */
public final class SharedData {

    /** System property that names the shared data folder explicitly. */
    public static final String PROPERTY = "safety.sharedData";

    private SharedData() {
    }

    /**
     * Locates the shared data folder without skipping or failing.
     *
     * @return the folder, or empty if none is found
     */
    public static Optional<Path> find() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path folder = Path.of(configured).toAbsolutePath();
            return Files.isDirectory(folder) ? Optional.of(folder) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns a file or folder inside the shared data, skipping the calling test when it is absent
     * (failing it under CI).
     *
     * @param relativePath path inside the shared data folder, for example
     *     {@code models/stories260K/tok512.bin}
     * @return the existing path
     */
    public static Path require(String relativePath) {
        Optional<Path> folder = find();
        if (folder.isEmpty()) {
            String where = System.getProperty(PROPERTY) != null
                    ? "the folder named by -D" + PROPERTY + "=" + System.getProperty(PROPERTY) + " does not exist"
                    : "no shared/data folder beside " + Path.of("").toAbsolutePath() + " or its ancestors";
            return absent("Shared test data not found (" + where + "); set -D" + PROPERTY
                    + " to the data folder to run this test.");
        }
        Path path = folder.get().resolve(relativePath);
        if (!Files.exists(path)) {
            return absent("Shared test data file " + path + " not found; the data folder " + folder.get()
                    + " lacks it.");
        }
        return path;
    }

    private static Path absent(String message) {
        if ("true".equals(System.getenv("CI"))) {
            return fail(message + " CI=true, so missing data fails the test instead of skipping it.");
        }
        return Assumptions.abort(message);
    }
}
