package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.report.ExperimentSummary;
import io.github.safetyspaces.core.report.ResultFiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks the experiment's result CSV files and writes {@code summary.md} beside them. The build fails
 * when a file has no header, no rows, rows of the wrong width, or a NaN or infinite number. The log
 * ends with the paths of the summary and of every CSV file.
 */
@Mojo(name = "verify", defaultPhase = LifecyclePhase.VERIFY, requiresProject = false, threadSafe = true)
public class VerifyMojo extends AbstractSafetyMojo {

    /**
     * The experiment's output folder, which the other goals write into.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.outputDirectory", defaultValue = "${project.build.directory}/safety")
    private File outputDirectory;

    /**
     * Heading of the summary.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.experiment", defaultValue = "${project.artifactId}")
    private String experiment;

    @Override
    protected void run() throws MojoFailureException {
        Path folder = resolveStandalone(outputDirectory);
        if (!Files.isDirectory(folder)) {
            throw new MojoFailureException("Nothing to verify: " + folder + " does not exist. Run the experiment's"
                    + " other goals first, for example with mvn verify.");
        }
        List<Path> files = ResultFiles.csvFiles(folder);
        List<String> problems = ResultFiles.check(folder);
        if (!problems.isEmpty()) {
            throw new MojoFailureException(problems.size() + " invalid result(s) under " + folder + ":\n  "
                    + String.join("\n  ", problems));
        }
        Path summary = ExperimentSummary.write(folder, experiment == null ? "Experiment" : experiment);
        getLog().info("Checked " + files.size() + " CSV file(s) under " + folder + ".");
        for (Path file : files) {
            if (!file.getFileName().toString().equals("train-log.csv")) {
                getLog().info("  result: " + file);
            }
        }
        getLog().info("Summary: " + summary);
    }

    @Override
    protected String goalName() {
        return "verify";
    }
}
