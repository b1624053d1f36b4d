package io.github.safetyspaces.core.report.schema;

import io.github.safetyspaces.core.report.Cells;

/** The type of a result column's cells, as the goals write them. */
public enum ColumnType {

    /** A whole number in plain notation, such as {@code -1} or {@code 800}. */
    INTEGER("an integer"),

    /** A finite decimal number, plain or scientific, such as {@code 0.250000} or {@code 1.5e-05}. */
    DECIMAL("a decimal number"),

    /** {@code true} or {@code false}, in lower case. */
    BOOLEAN("true or false"),

    /** Any text. */
    TEXT("text");

    private final String description;

    ColumnType(String description) {
        this.description = description;
    }

    /** Returns the type as a noun phrase for messages, such as {@code an integer}. */
    public String description() {
        return description;
    }

    /**
     * Returns whether a non-empty cell has this type.
     *
     * @param cell the cell text
     * @return true when it parses
     */
    public boolean accepts(String cell) {
        return switch (this) {
            case INTEGER -> cell.matches("-?\\d+");
            case DECIMAL -> Cells.parseDecimal(cell) != null;
            case BOOLEAN -> cell.equals("true") || cell.equals("false");
            case TEXT -> true;
        };
    }
}
