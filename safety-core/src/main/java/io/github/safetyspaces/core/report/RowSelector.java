package io.github.safetyspaces.core.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A conjunction of cell conditions that selects rows of a result table, written as
 * {@code column=value,column=value}, for example {@code finetune=aligned,basis=none}. An empty value
 * selects empty cells ({@code frac=}). Cells and values that both parse as decimal numbers compare by
 * value, so {@code frac=0.5} selects the cell {@code 0.500000}; all other cells compare as exact text.
 * The empty selector selects every row.
 *
 * <p>NOTE: a value cannot contain a comma, because the comma separates the conditions.
 *
 * @param conditions the required cell values by column, in the order written
 */
public record RowSelector(Map<String, String> conditions) {

    /** The selector that selects every row. */
    public static final RowSelector ALL = new RowSelector(Map.of());

    /** Copies the conditions, keeping their order for messages. */
    public RowSelector {
        Objects.requireNonNull(conditions, "conditions");
        conditions = Collections.unmodifiableMap(new LinkedHashMap<>(conditions));
    }

    /**
     * Parses {@code column=value,column=value}; blank text selects every row.
     *
     * @param text the selector text
     * @return the selector
     * @throws IllegalArgumentException naming the condition without {@code =}, with no column name, or
     *     with a column given twice
     */
    public static RowSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return ALL;
        }
        Map<String, String> conditions = new LinkedHashMap<>();
        for (String part : text.split(",", -1)) {
            int equals = part.indexOf('=');
            if (equals <= 0 || part.substring(0, equals).isBlank()) {
                throw new IllegalArgumentException("Invalid row condition '" + part.trim() + "' in '" + text
                        + "': write column=value, conditions separated by commas, for example finetune=aligned,"
                        + "basis=none.");
            }
            String column = part.substring(0, equals).trim();
            if (conditions.put(column, part.substring(equals + 1).trim()) != null) {
                throw new IllegalArgumentException("Invalid row conditions '" + text + "': the column " + column
                        + " appears twice.");
            }
        }
        return new RowSelector(conditions);
    }

    /**
     * Returns this selector with the conditions of another added.
     *
     * @param other more conditions; on a column that both name, the other's value must be the same
     * @return the conjunction
     * @throws IllegalArgumentException when both select different values of one column
     */
    public RowSelector and(RowSelector other) {
        Map<String, String> joined = new LinkedHashMap<>(conditions);
        for (Map.Entry<String, String> condition : other.conditions.entrySet()) {
            String previous = joined.putIfAbsent(condition.getKey(), condition.getValue());
            if (previous != null && !sameValue(previous, condition.getValue())) {
                throw new IllegalArgumentException("Row conditions '" + this + "' and '" + other
                        + "' require two values of " + condition.getKey() + ", so they select no row; remove one.");
            }
        }
        return new RowSelector(joined);
    }

    /** Returns whether this selector selects every row. */
    public boolean selectsAll() {
        return conditions.isEmpty();
    }

    /**
     * Returns whether a row meets every condition. A column the row lacks fails its condition.
     *
     * @param row cells by column
     * @return true when selected
     */
    public boolean matches(Map<String, String> row) {
        for (Map.Entry<String, String> condition : conditions.entrySet()) {
            String cell = row.get(condition.getKey());
            if (cell == null || !sameValue(cell, condition.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Lists the columns named by a condition that the table lacks.
     *
     * @param columns the table's columns
     * @return the missing ones, in the order written
     */
    public List<String> missingColumns(List<String> columns) {
        List<String> missing = new ArrayList<>();
        for (String column : conditions.keySet()) {
            if (!columns.contains(column)) {
                missing.add(column);
            }
        }
        return missing;
    }

    /**
     * Lists the rows of a table that this selector selects.
     *
     * @param table the table
     * @return the row indices, in file order
     */
    public List<Integer> select(CsvTable table) {
        List<Integer> selected = new ArrayList<>();
        for (int i = 0; i < table.rows().size(); i++) {
            if (matches(table.rows().get(i))) {
                selected.add(i);
            }
        }
        return selected;
    }

    /**
     * Compares a cell with a condition value: by number when both are decimal numbers, else as text.
     *
     * @param cell the cell text
     * @param value the condition value
     * @return true when they are equal
     */
    public static boolean sameValue(String cell, String value) {
        if (cell.equals(value)) {
            return true;
        }
        BigDecimal cellNumber = Cells.parseDecimal(cell);
        BigDecimal valueNumber = Cells.parseDecimal(value);
        return cellNumber != null && valueNumber != null && cellNumber.compareTo(valueNumber) == 0;
    }

    /** Returns the selector as written, {@code column=value,column=value}, or {@code all rows}. */
    @Override
    public String toString() {
        if (conditions.isEmpty()) {
            return "all rows";
        }
        return conditions.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(","));
    }
}
