package io.github.safetyspaces.core.report.html;

import static io.github.safetyspaces.core.report.html.Html.escape;

import io.github.safetyspaces.core.report.CsvProblem;
import io.github.safetyspaces.core.report.CsvTable;
import io.github.safetyspaces.core.report.Verification;
import io.github.safetyspaces.core.report.expect.ExpectationOutcome;
import java.nio.file.Path;
import java.util.List;

/**
 * The report's section on the checks of the {@code verify} goal: the problems found in the CSV files,
 * the outcome of every expectation of the pom, and the list of result files with their row counts.
 */
final class ChecksSection {

    /** Problems listed in the report; the build log lists all. */
    static final int MAX_LISTED_PROBLEMS = 200;

    private ChecksSection() {
    }

    static Section render(Verification verification, boolean linkFiles) {
        Section section = new Section("checks", "Checks");
        Path folder = verification.folder();
        List<CsvProblem> problems = verification.problems();
        String status = verification.passed() ? "<p class=\"pass\">All checks passed.</p>\n"
                : "<p class=\"fail\">" + problems.size() + " problem(s) in the result files and "
                        + verification.failedExpectations().size() + " failed expectation(s).</p>\n";
        section.html(status);

        section.heading("Result files");
        section.paragraph(verification.files().size() + " CSV file(s) checked against the generic rules and, where"
                + " a goal of this plugin writes them, their schema.");
        if (!problems.isEmpty()) {
            StringBuilder list = new StringBuilder("<ul class=\"problems\">\n");
            problems.stream().limit(MAX_LISTED_PROBLEMS).forEach(problem -> list.append("<li>")
                    .append(escape(problem.message())).append("</li>\n"));
            if (problems.size() > MAX_LISTED_PROBLEMS) {
                list.append("<li>... and ").append(problems.size() - MAX_LISTED_PROBLEMS)
                        .append(" more; the build log lists them all.</li>\n");
            }
            section.html(list.append("</ul>\n").toString());
        }
        StringBuilder files = new StringBuilder("<table>\n<thead><tr><th>file</th><th>rows</th></tr></thead>\n"
                + "<tbody>\n");
        for (Path file : verification.files()) {
            String relative = folder.relativize(file).toString().replace('\\', '/');
            String name = linkFiles ? "<a href=\"../" + escape(relative) + "\">" + escape(relative) + "</a>"
                    : escape(relative);
            files.append("<tr><td>").append(name).append("</td><td>").append(rowCount(file)).append("</td></tr>\n");
        }
        section.html(files.append("</tbody>\n</table>\n").toString());

        section.heading("Expectations");
        if (verification.expectations().isEmpty()) {
            return section.note("No expectations were checked: the pom sets no bounds, orderings or baselines for"
                    + " the verify goal, or this page comes from the report goal, which does not check them.");
        }
        StringBuilder table = new StringBuilder("<table>\n<thead><tr><th>expectation</th><th>result</th></tr>"
                + "</thead>\n<tbody>\n");
        for (ExpectationOutcome outcome : verification.expectations()) {
            table.append("<tr><td>").append(escape(outcome.label())).append("</td><td class=\"")
                    .append(outcome.passed() ? "pass\">passed" : "fail\">failed");
            for (String failure : outcome.failures()) {
                table.append("<br>").append(escape(failure));
            }
            table.append("</td></tr>\n");
        }
        return section.html(table.append("</tbody>\n</table>\n").toString());
    }

    private static String rowCount(Path file) {
        try {
            return Integer.toString(CsvTable.read(file).rows().size());
        } catch (RuntimeException e) {
            return "unreadable";
        }
    }
}
