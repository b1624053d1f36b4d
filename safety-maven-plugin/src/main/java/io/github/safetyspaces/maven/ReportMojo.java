package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.report.Verification;
import io.github.safetyspaces.core.report.html.ExperimentReport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.maven.doxia.sink.Sink;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.reporting.AbstractMavenReport;
import org.apache.maven.reporting.MavenReportException;

/**
 * Renders the experiment report into the Maven site ({@code mvn site}) as the page
 * {@code safety-report.html}: the same checks, tables and plots as the {@code report/index.html} that
 * the {@code verify} goal writes. The expectations of the {@code verify} goal are not evaluated here,
 * so the page lists the file checks only; run {@code mvn verify} for the expectations.
 */
@Mojo(name = "report", defaultPhase = LifecyclePhase.SITE, threadSafe = true)
public class ReportMojo extends AbstractMavenReport {

    /**
     * The experiment's output folder, which the other goals write into.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.outputDirectory", defaultValue = "${project.build.directory}/safety")
    private File resultsDirectory;

    /**
     * Heading of the report.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.experiment", defaultValue = "${project.artifactId}")
    private String experiment;

    /**
     * Skips the report.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public String getOutputName() {
        return "safety-report";
    }

    @Override
    public String getName(Locale locale) {
        return "Safety experiment";
    }

    @Override
    public String getDescription(Locale locale) {
        return "Checks of the result files, and plots of the projection sweep, the update and activation"
                + " subspaces and the training loss.";
    }

    @Override
    public boolean canGenerateReport() {
        if (skip) {
            getLog().info("Skipping report: safety.skip is true.");
            return false;
        }
        if (!Files.isDirectory(resultsDirectory.toPath())) {
            getLog().info("Skipping report: " + resultsDirectory + " does not exist; run mvn verify before mvn site.");
            return false;
        }
        return true;
    }

    @Override
    protected void executeReport(Locale locale) throws MavenReportException {
        Path folder = resultsDirectory.toPath();
        String title = experiment == null ? "Experiment" : experiment;
        Verification verification;
        try {
            verification = Verification.run(folder, List.of());
        } catch (RuntimeException e) {
            throw new MavenReportException("Cannot read the results under " + folder + ": " + e.getMessage(), e);
        }
        Sink sink = getSink();
        sink.head();
        sink.title();
        sink.text(title);
        sink.title_();
        sink.head_();
        sink.body();
        // The same HTML as report/index.html; the style sheet is inline, because a site skin has its own.
        sink.rawText("<style>\n" + ExperimentReport.STYLE + "</style>\n");
        sink.rawText(ExperimentReport.body(title, verification, false));
        sink.body_();
        // AbstractMavenReport closes the sink after this method.
        sink.flush();
    }
}
