package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.report.CsvFormatException;
import io.github.safetyspaces.core.report.CsvProblem;
import io.github.safetyspaces.core.report.ExperimentSummary;
import io.github.safetyspaces.core.report.Manifest;
import io.github.safetyspaces.core.report.Verification;
import io.github.safetyspaces.core.report.expect.Expectation;
import io.github.safetyspaces.core.report.expect.ExpectationOutcome;
import io.github.safetyspaces.core.report.html.ExperimentReport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks the experiment's result files and the expectations of the pom, then writes {@code summary.md},
 * the HTML report {@code report/index.html} and {@code MANIFEST.sha256} beside the results. Every CSV
 * file gets the generic checks: header, rows, row width, and no NaN or infinite number. A file that a
 * goal of this plugin writes is also checked against its schema: columns in order, cell types, ranges
 * and empty cells. The summary, report and manifest are written before the build fails, so that a
 * failed build can be inspected. All problems and failed expectations are reported together.
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
     * Heading of the summary and the report.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.experiment", defaultValue = "${project.artifactId}")
    private String experiment;

    /**
     * Bounds on a column of selected rows; see {@link BoundExpectation}.
     *
     * @since 0.1.0
     */
    @Parameter
    private List<BoundExpectation> bounds;

    /**
     * Orderings between two columns of a row or between two rows; see {@link OrderingExpectation}.
     *
     * @since 0.1.0
     */
    @Parameter
    private List<OrderingExpectation> orderings;

    /**
     * Comparisons with baseline CSV files, within absolute tolerances; see {@link BaselineExpectation}.
     *
     * @since 0.1.0
     */
    @Parameter
    private List<BaselineExpectation> baselines;

    /**
     * Whether a failed expectation fails the build. When false, failed expectations are logged as
     * warnings and shown in the report; invalid result files still fail the build.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.failOnExpectations", defaultValue = "true")
    private boolean failOnExpectations = true;

    /**
     * Whether to write the HTML report {@code report/index.html}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.writeReport", defaultValue = "true")
    private boolean writeReport = true;

    @Override
    protected void run() throws MojoFailureException {
        Path folder = resolveStandalone(outputDirectory);
        if (!Files.isDirectory(folder)) {
            throw new MojoFailureException("Nothing to verify: " + folder + " does not exist. Run the experiment's"
                    + " other goals first, for example with mvn verify.");
        }
        String title = experiment == null ? "Experiment" : experiment;
        Verification verification = Verification.run(folder, expectations());
        logFindings(verification);

        // Written before failing, so that a researcher can look at what failed. The old manifest goes
        // first: a run killed before the new one is written leaves none, never one of older files.
        Manifest.remove(folder);
        writeSummary(folder, title);
        if (writeReport) {
            getLog().info("Report: " + ExperimentReport.write(title, verification));
        }
        getLog().info("Manifest: " + Manifest.write(folder));

        List<String> failures = new ArrayList<>();
        verification.problems().stream().map(CsvProblem::message).forEach(failures::add);
        boolean expectationsFail = failOnExpectations && !verification.failedExpectations().isEmpty();
        if (expectationsFail) {
            verification.failedExpectations().stream().map(ExpectationOutcome::message).forEach(failures::add);
        }
        if (!failures.isEmpty()) {
            throw new MojoFailureException(failureMessage(verification, expectationsFail, failures));
        }
    }

    /** Converts the pom's entries, in the order bounds, orderings, baselines. */
    List<Expectation> expectations() {
        List<Expectation> all = new ArrayList<>();
        for (List<? extends ExpectationEntry> entries : Arrays.asList(bounds, orderings, baselines)) {
            if (entries != null) {
                for (int i = 0; i < entries.size(); i++) {
                    all.add(entries.get(i).toExpectation(i));
                }
            }
        }
        return all;
    }

    private void logFindings(Verification verification) {
        getLog().info("Checked " + verification.files().size() + " CSV file(s) under " + verification.folder()
                + ": " + verification.problems().size() + " problem(s).");
        for (Path file : verification.files()) {
            if (!file.getFileName().toString().equals("train-log.csv")) {
                getLog().info("  result: " + file);
            }
        }
        for (ExpectationOutcome outcome : verification.expectations()) {
            if (outcome.passed()) {
                getLog().info(outcome.message());
            } else if (!failOnExpectations) {
                getLog().warn(outcome.message());
            }
        }
    }

    private void writeSummary(Path folder, String title) {
        try {
            getLog().info("Summary: " + ExperimentSummary.write(folder, title));
        } catch (CsvFormatException e) {
            // Already among the problems; the summary cannot list an unreadable file.
            getLog().warn("No summary written: " + e.getMessage());
        }
    }

    private static String failureMessage(Verification verification, boolean expectationsFail, List<String> failures) {
        StringBuilder message = new StringBuilder();
        if (!verification.problems().isEmpty()) {
            message.append(verification.problems().size()).append(" problem(s) in the result files under ")
                    .append(verification.folder()).append(". Each file is written by a goal (see docs/experiments.md);"
                            + " rerun that goal, or correct the code that wrote the value.");
        }
        if (expectationsFail) {
            message.append(message.length() > 0 ? " " : "").append(verification.failedExpectations().size())
                    .append(" of ").append(verification.expectations().size()).append(" expectation(s) failed."
                            + " Set -Dsafety.failOnExpectations=false to report them without failing the build.");
        }
        return message + "\n  " + String.join("\n  ", failures);
    }

    @Override
    protected String goalName() {
        return "verify";
    }
}
