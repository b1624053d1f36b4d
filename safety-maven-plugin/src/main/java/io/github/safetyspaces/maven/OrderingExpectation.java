package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.report.RowSelector;
import io.github.safetyspaces.core.report.expect.Expectation;
import io.github.safetyspaces.core.report.expect.Ordering;

/**
 * An ordering between two values, as configured in the {@code verify} goal's {@code <orderings>}. Its
 * {@code <where>} applies to both sides. Two columns of every selected row:
 *
 * <pre>{@code
 * <ordering>
 *   <file>update-spaces/update-spaces-summary.csv</file>
 *   <where>granularity=layer,x=useful,y=harmful</where>
 *   <larger><column>mean_mso</column></larger>
 *   <smaller><column>mean_random_baseline</column></smaller>
 * </ordering>
 * }</pre>
 *
 * or one row against another, each side selecting exactly one row:
 *
 * <pre>{@code
 * <ordering>
 *   <file>projection/projection.csv</file>
 *   <where>basis=none</where>
 *   <column>harmfulness</column>
 *   <larger><where>finetune=harmful</where></larger>
 *   <smaller><where>finetune=aligned</where></smaller>
 * </ordering>
 * }</pre>
 */
public class OrderingExpectation extends ExpectationEntry {

    /** The column of a side that names none. */
    private String column;

    /** The side expected to be larger. */
    private OrderingSide larger;

    /** The side expected to be smaller. */
    private OrderingSide smaller;

    /** How much larger must exceed smaller; 0 requires larger to be strictly above. */
    private double margin;

    /** Creates an empty entry, which Maven fills from the pom. */
    public OrderingExpectation() {
    }

    /** Creates an entry with every setting but the name and margin, for tests. */
    OrderingExpectation(String file, String where, String column, OrderingSide larger, OrderingSide smaller) {
        this.file = file;
        this.where = where;
        this.column = column;
        this.larger = larger;
        this.smaller = smaller;
    }

    @Override
    Expectation toExpectation(int index) {
        String label = label("Ordering", index, "orderings");
        if (larger == null || smaller == null) {
            return Expectation.invalid(label, "an ordering needs both <larger> and <smaller>.");
        }
        try {
            return new Ordering(name, file, RowSelector.parse(where), side(larger), side(smaller), margin);
        } catch (IllegalArgumentException e) {
            return Expectation.invalid(label, e.getMessage());
        }
    }

    private Ordering.Side side(OrderingSide side) {
        String sideColumn = side.column() == null || side.column().isBlank() ? column : side.column();
        return new Ordering.Side(RowSelector.parse(side.where()), sideColumn);
    }
}
