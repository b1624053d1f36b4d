package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.report.RowSelector;
import io.github.safetyspaces.core.report.expect.ColumnBound;
import io.github.safetyspaces.core.report.expect.Expectation;

/**
 * A bound on a column of the selected rows, as configured in the {@code verify} goal's {@code <bounds>}:
 *
 * <pre>{@code
 * <bound>
 *   <name>aligned model refuses</name>
 *   <file>projection/projection.csv</file>
 *   <where>finetune=aligned,basis=none</where>
 *   <column>refusal_rate</column>
 *   <min>0.8</min>
 * </bound>
 * }</pre>
 */
public class BoundExpectation extends ExpectationEntry {

    /** The column checked in every row that {@code where} selects; at least one row must match. */
    private String column;

    /** The inclusive lower bound. */
    private Double min;

    /** The inclusive upper bound. */
    private Double max;

    /** Creates an empty entry, which Maven fills from the pom. */
    public BoundExpectation() {
    }

    /** Creates an entry with every setting, for tests. */
    BoundExpectation(String file, String where, String column, Double min, Double max) {
        this.file = file;
        this.where = where;
        this.column = column;
        this.min = min;
        this.max = max;
    }

    @Override
    Expectation toExpectation(int index) {
        try {
            return new ColumnBound(name, file, RowSelector.parse(where), column, min, max);
        } catch (IllegalArgumentException e) {
            return Expectation.invalid(label("Bound", index, "bounds"), e.getMessage());
        }
    }
}
