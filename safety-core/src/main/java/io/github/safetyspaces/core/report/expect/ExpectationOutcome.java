package io.github.safetyspaces.core.report.expect;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of checking one expectation.
 *
 * @param label the expectation's label
 * @param failures one message per failure; empty when the expectation is met
 */
public record ExpectationOutcome(String label, List<String> failures) {

    /** Copies the failures. */
    public ExpectationOutcome {
        failures = List.copyOf(failures);
    }

    /** Returns whether the expectation is met. */
    public boolean passed() {
        return failures.isEmpty();
    }

    /**
     * Checks every expectation and collects the outcomes, so that one failure does not hide the others.
     * An expectation that cannot be checked (a missing file or column, conditions that select no row)
     * fails with that reason.
     *
     * @param expectations the expectations, in pom order
     * @param tables the experiment's result tables
     * @return one outcome per expectation, in the same order
     */
    public static List<ExpectationOutcome> checkAll(List<? extends Expectation> expectations, ResultTables tables) {
        List<ExpectationOutcome> outcomes = new ArrayList<>();
        for (Expectation expectation : expectations) {
            List<String> failures;
            try {
                failures = expectation.check(tables);
            } catch (IllegalArgumentException | UncheckedIOException e) {
                failures = List.of("cannot be checked: " + e.getMessage());
            }
            outcomes.add(new ExpectationOutcome(expectation.label(), failures));
        }
        return outcomes;
    }

    /**
     * Formats the outcome for a build log: the label, then each failure on its own indented line.
     *
     * @return the text, or the label followed by {@code passed}
     */
    public String message() {
        if (passed()) {
            return label + " passed.";
        }
        return label + " failed:\n    " + String.join("\n    ", failures);
    }
}
