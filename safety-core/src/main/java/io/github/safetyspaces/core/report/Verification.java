package io.github.safetyspaces.core.report;

import io.github.safetyspaces.core.report.expect.Expectation;
import io.github.safetyspaces.core.report.expect.ExpectationOutcome;
import io.github.safetyspaces.core.report.expect.ResultTables;
import java.nio.file.Path;
import java.util.List;

/**
 * The checks of an experiment folder: every CSV file against the generic rules and its schema, then
 * every expectation of the pom. All problems are collected; nothing here throws for invalid results.
 *
 * @param folder the experiment's output folder
 * @param files the CSV files checked, in path order
 * @param problems the problems found in the files
 * @param expectations the outcome of each expectation, in pom order
 */
public record Verification(Path folder, List<Path> files, List<CsvProblem> problems,
        List<ExpectationOutcome> expectations) {

    /** Copies the lists. */
    public Verification {
        files = List.copyOf(files);
        problems = List.copyOf(problems);
        expectations = List.copyOf(expectations);
    }

    /**
     * Checks the files of a folder and the expectations.
     *
     * @param folder the experiment's output folder
     * @param expectations the expectations, in pom order
     * @return the findings
     */
    public static Verification run(Path folder, List<? extends Expectation> expectations) {
        List<Path> files = ResultFiles.csvFiles(folder);
        List<CsvProblem> problems = ResultFiles.check(folder);
        List<ExpectationOutcome> outcomes = ExpectationOutcome.checkAll(expectations, new ResultTables(folder));
        return new Verification(folder, files, problems, outcomes);
    }

    /** Returns the expectations that failed. */
    public List<ExpectationOutcome> failedExpectations() {
        return expectations.stream().filter(outcome -> !outcome.passed()).toList();
    }

    /** Returns whether every file is valid and every expectation is met. */
    public boolean passed() {
        return problems.isEmpty() && failedExpectations().isEmpty();
    }
}
