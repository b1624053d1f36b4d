package io.github.safetyspaces.core.report.schema;

import io.github.safetyspaces.core.report.RowSelector;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The rules for the cells of one column of a result file.
 *
 * @param name the column name in the header
 * @param type the type of its non-empty cells
 * @param range the allowed numbers of an integer or decimal column, or null for any
 * @param allowedValues the allowed texts of a text column, or empty for any
 * @param emptyWhen the rows whose cell must be empty. A row that any of these selectors selects has an
 *     empty cell, and every other row a non-empty one. With no selector, the cell is never empty.
 * @param optionalColumn whether the file may leave the column out. When present, the column must be at
 *     its place in the order.
 */
public record ColumnRule(String name, ColumnType type, ValueRange range, List<String> allowedValues,
        List<RowSelector> emptyWhen, boolean optionalColumn) {

    /** Checks the fields and copies the lists. */
    public ColumnRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        allowedValues = List.copyOf(allowedValues);
        emptyWhen = List.copyOf(emptyWhen);
        if (range != null && type != ColumnType.INTEGER && type != ColumnType.DECIMAL) {
            throw new IllegalArgumentException("Column " + name + " of type " + type + " cannot have a range.");
        }
    }

    /**
     * Returns whether this row's cell must be empty.
     *
     * @param row the row's cells by column
     * @return true when a selector of {@link #emptyWhen} selects the row
     */
    public boolean mustBeEmpty(Map<String, String> row) {
        return emptyWhen.stream().anyMatch(selector -> selector.matches(row));
    }

    /** Returns the conditions under which the cell is empty, such as {@code kx=0 or ky=0}. */
    public String emptyCondition() {
        return emptyWhen.stream().map(RowSelector::toString).collect(Collectors.joining(" or "));
    }

    /** Returns the rule for a non-empty cell as a phrase, such as {@code a decimal number in (0, 1]}. */
    public String valueRule() {
        StringBuilder rule = new StringBuilder(type.description());
        if (range != null) {
            rule.append(" in ").append(range);
        }
        if (!allowedValues.isEmpty()) {
            rule.append(": one of ").append(String.join(", ", allowedValues));
        }
        return rule.toString();
    }
}
