package io.github.safetyspaces.core.report.expect;

import java.util.List;

/**
 * A statement about an experiment's results, set in a pom, such as a bound on a column or an ordering
 * between two values. Results that break it come back as messages. A configuration that cannot be
 * checked, such as one that selects no row, throws, and {@link ExpectationOutcome#checkAll} turns that
 * into a failure too.
 */
public interface Expectation {

    /**
     * Returns how messages name this expectation: the name given in the pom, or a description of what
     * it requires.
     */
    String label();

    /**
     * Checks the expectation against the results.
     *
     * @param tables the experiment's result tables
     * @return one message per failure, each naming the rows, the values and the requirement; empty when
     *     the expectation is met
     * @throws IllegalArgumentException when the expectation cannot be checked: a missing file or
     *     column, or conditions that select no row
     */
    List<String> check(ResultTables tables);

    /**
     * Builds the label from an optional name and the description of the requirement.
     *
     * @param kind the expectation's kind, such as {@code Bound}
     * @param name the name given in the pom, or null
     * @param description what the expectation requires
     * @return {@code Bound "name" (description)} or {@code Bound (description)}
     */
    static String label(String kind, String name, String description) {
        return kind + (name == null || name.isBlank() ? "" : " \"" + name + "\"") + " (" + description + ")";
    }

    /**
     * Returns an expectation that could not be built from its configuration, so that it fails with the
     * other expectations' failures instead of hiding them.
     *
     * @param label how messages name it, such as {@code Bound 2}
     * @param reason why the configuration is invalid, with the fix
     * @return an expectation whose check always fails with the reason
     */
    static Expectation invalid(String label, String reason) {
        return new Expectation() {
            @Override
            public String label() {
                return label;
            }

            @Override
            public List<String> check(ResultTables tables) {
                throw new IllegalArgumentException(reason);
            }
        };
    }
}
