package io.github.safetyspaces.core.report.expect;

import io.github.safetyspaces.core.report.CsvTable;
import io.github.safetyspaces.core.report.RowSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Requires a column to lie within bounds in every selected row, for example a refusal rate of at least
 * 0.8 for the aligned model: {@code min <= value <= max}. An empty or non-numeric cell fails.
 *
 * @param name a name for messages, or null
 * @param file the result file, relative to the experiment folder
 * @param where the rows to check; at least one must match
 * @param column the column checked
 * @param min the inclusive lower bound, or null for none
 * @param max the inclusive upper bound, or null for none
 */
public record ColumnBound(String name, String file, RowSelector where, String column, Double min, Double max)
        implements Expectation {

    /** Checks that the bound is complete and consistent. */
    public ColumnBound {
        Objects.requireNonNull(where, "where");
        String self = Expectation.label("Bound", name, column + " in " + file);
        if (file == null || file.isBlank() || column == null || column.isBlank()) {
            throw new IllegalArgumentException(self + " needs a <file> and a <column>.");
        }
        if (min == null && max == null) {
            throw new IllegalArgumentException(self + " has neither <min> nor <max>; give at least one.");
        }
        if (min != null && max != null && min > max) {
            throw new IllegalArgumentException(self + " has <min> " + min + " above <max> " + max
                    + "; swap them.");
        }
    }

    @Override
    public String label() {
        String range = min != null && max != null ? min + " <= " + column + " <= " + max
                : min != null ? column + " >= " + min : column + " <= " + max;
        return Expectation.label("Bound", name, range + " in " + file + " where " + where);
    }

    @Override
    public List<String> check(ResultTables tables) {
        CsvTable table = tables.table(file);
        ResultTables.requireColumn(table, file, column);
        List<String> failures = new ArrayList<>();
        for (int row : ResultTables.selectSome(table, file, where)) {
            double value = ResultTables.number(table, row, column);
            String cell = table.rows().get(row).get(column);
            String at = file + " " + ResultTables.describeRow(table, row) + ": " + column + " is ";
            if (Double.isNaN(value)) {
                failures.add(at + ResultTables.show(cell) + ", not a number.");
            } else if (min != null && value < min) {
                failures.add(at + cell + ", below the minimum " + min + ".");
            } else if (max != null && value > max) {
                failures.add(at + cell + ", above the maximum " + max + ".");
            }
        }
        return failures;
    }
}
