package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.engine.Engines;
import java.io.File;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Base of every goal: the shared {@code safety.skip} and {@code safety.skipGoals} switches, the offline DJL setting, and the
 * translation of the core library's exceptions into Maven's.
 */
public abstract class AbstractSafetyMojo extends AbstractMojo {

    /** The placeholder that Maven leaves uninterpolated in the build directory when it runs without a pom. */
    private static final String UNRESOLVED_BASEDIR = "${project.basedir}";

    /**
     * Skips the goal. Each skip is logged with the goal's name.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.skip", defaultValue = "false")
    protected boolean skip;

    /**
     * Goals to skip by name, comma-separated, for example {@code activations,update-spaces}: turns off
     * goals that the {@code safety-experiment} packaging binds but an experiment does not need.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.skipGoals")
    protected List<String> skipGoals;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping " + goalName() + ": safety.skip is true.");
            return;
        }
        if (skipGoals != null && skipGoals.stream().map(String::trim).anyMatch(goalName()::equals)) {
            getLog().info("Skipping " + goalName() + ": it is listed in safety.skipGoals " + skipGoals + ".");
            return;
        }
        // Must run before the first DJL class loads: it stops DJL's usage-tracking request.
        Engines.forceOffline();
        try {
            run();
        } catch (IllegalArgumentException e) {
            // Invalid user input (a path, a parameter, a checkpoint that does not match its config).
            throw new MojoFailureException(goalName() + " failed: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException || e.getCause() instanceof AccessDeniedException) {
                // A path the user gave that does not exist or cannot be read.
                throw new MojoFailureException(goalName() + " failed: " + e.getMessage(), e);
            }
            throw new MojoExecutionException(goalName() + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException(goalName() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the goal.
     *
     * @throws MojoExecutionException when a tool or file fails
     * @throws MojoFailureException when the inputs are invalid
     */
    protected abstract void run() throws MojoExecutionException, MojoFailureException;

    /** Returns the goal name used in log and error messages. */
    protected abstract String goalName();

    /**
     * Returns a path parameter with a default under {@code ${project.build.directory}} as a usable path.
     * Without a pom, Maven 3.9 leaves {@code ${project.basedir}} in the build directory uninterpolated,
     * so such a default arrives as {@code <cwd>/${project.basedir}/target/...}. That part is replaced by
     * the working directory, where the project's {@code target} folder would be.
     *
     * @param file the parameter value
     * @return the path, with an uninterpolated {@code ${project.basedir}} resolved
     */
    protected static Path resolveStandalone(File file) {
        String text = file.getPath();
        int at = text.indexOf(UNRESOLVED_BASEDIR);
        if (at < 0) {
            return file.toPath();
        }
        String relative = text.substring(at + UNRESOLVED_BASEDIR.length()).replaceFirst("^[/\\\\]+", "");
        return Path.of(System.getProperty("user.dir")).resolve(relative);
    }

    /**
     * Parses the {@code dtype} parameter: the storage type of saved weights.
     *
     * @param dtype {@code F32} or {@code BF16}, in any case
     * @return the storage type
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    protected static SafetensorsDType storageType(String dtype) {
        return switch (dtype.toUpperCase(Locale.ROOT)) {
            case "F32" -> SafetensorsDType.F32;
            case "BF16" -> SafetensorsDType.BF16;
            default -> throw new IllegalArgumentException("Invalid -Dsafety.dtype '" + dtype + "': use F32 or BF16.");
        };
    }
}
