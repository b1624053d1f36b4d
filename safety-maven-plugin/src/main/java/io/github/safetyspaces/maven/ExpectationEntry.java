package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.report.expect.Expectation;

/**
 * The settings that every expectation entry of the {@code verify} goal shares: an optional name, the
 * result file and the row conditions. Maven fills the fields of the subclasses from the pom.
 */
public abstract class ExpectationEntry {

    /** A name for messages; by default the expectation is described by its settings. */
    protected String name;

    /** The result file, relative to the experiment's output folder. */
    protected String file;

    /** Row conditions {@code column=value,column=value}. */
    protected String where;

    /**
     * Converts the entry into an expectation; an invalid entry becomes one that fails with the reason.
     *
     * @param index the position in the entry's list, counting from 0, for messages
     * @return the expectation
     */
    abstract Expectation toExpectation(int index);

    /**
     * Names the entry by its position, such as {@code Bound 2 "aligned refuses" in <bounds>}.
     *
     * @param kind the entry's kind, such as {@code Bound}
     * @param index the position in the list, counting from 0
     * @param list the list element, such as {@code bounds}
     * @return the label
     */
    String label(String kind, int index, String list) {
        return kind + " " + (index + 1) + (name == null ? "" : " \"" + name + "\"") + " in <" + list + ">";
    }
}
