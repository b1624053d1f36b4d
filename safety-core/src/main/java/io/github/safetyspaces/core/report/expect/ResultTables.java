package io.github.safetyspaces.core.report.expect;

import io.github.safetyspaces.core.report.Cells;
import io.github.safetyspaces.core.report.CsvTable;
import io.github.safetyspaces.core.report.RowSelector;
import io.github.safetyspaces.core.report.schema.FileSchema;
import io.github.safetyspaces.core.report.schema.ResultSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The result tables of an experiment folder, read on first use and kept for the other expectations,
 * with the lookups that expectations share: selecting rows, reading numbers, and naming rows in
 * messages.
 */
public final class ResultTables {

    private final Path folder;
    private final Map<Path, CsvTable> tables = new HashMap<>();

    /**
     * Creates the lookup.
     *
     * @param folder the experiment's output folder, which relative file names resolve against
     */
    public ResultTables(Path folder) {
        this.folder = folder;
    }

    /** Returns the experiment's output folder. */
    public Path folder() {
        return folder;
    }

    /**
     * Returns a table by its path relative to the experiment folder.
     *
     * @param relative such as {@code projection/projection.csv}
     * @return the table
     * @throws IllegalArgumentException when the file does not exist or is not a valid CSV
     */
    public CsvTable table(String relative) {
        return read(folder.resolve(relative), relative);
    }

    /**
     * Returns a table outside the experiment folder, such as a committed baseline.
     *
     * @param file the file
     * @return the table
     * @throws IllegalArgumentException when the file does not exist or is not a valid CSV
     */
    public CsvTable external(Path file) {
        return read(file, file.toString());
    }

    private CsvTable read(Path file, String label) {
        Path key = file.toAbsolutePath().normalize();
        CsvTable table = tables.get(key);
        if (table == null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(label + " does not exist (looked for " + file + "); check the"
                        + " file name, or run the goal that writes it.");
            }
            table = CsvTable.read(file);
            tables.put(key, table);
        }
        return table;
    }

    /**
     * Selects rows and fails when none match or a named column is missing.
     *
     * @param table the table
     * @param label the file name for messages
     * @param selector the row conditions
     * @return the selected row indices, at least one
     * @throws IllegalArgumentException when a condition names a missing column or no row matches; the
     *     message lists the values that the conditions' columns do have
     */
    public static List<Integer> selectSome(CsvTable table, String label, RowSelector selector) {
        List<String> missing = selector.missingColumns(table.columns());
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("where " + selector + " names the column(s) " + String.join(", ",
                    missing) + ", which " + label + " lacks; its columns are " + String.join(",", table.columns())
                    + ".");
        }
        List<Integer> rows = selector.select(table);
        if (rows.isEmpty()) {
            StringBuilder values = new StringBuilder();
            for (String column : selector.conditions().keySet()) {
                Set<String> distinct = new LinkedHashSet<>();
                table.rows().forEach(row -> distinct.add(row.get(column)));
                values.append("; ").append(column).append(" has ").append(distinct.stream()
                        .limit(20).map(value -> value.isEmpty() ? "(empty)" : value)
                        .collect(Collectors.joining(", "))).append(distinct.size() > 20 ? ", ..." : "");
            }
            throw new IllegalArgumentException("where " + selector + " selects no row of " + label + values
                    + ". Correct the conditions in the pom.");
        }
        return rows;
    }

    /**
     * Checks that a table has a column.
     *
     * @param table the table
     * @param label the file name for messages
     * @param column the column name
     * @throws IllegalArgumentException naming the columns the table has
     */
    public static void requireColumn(CsvTable table, String label, String column) {
        if (!table.columns().contains(column)) {
            throw new IllegalArgumentException(label + " has no column " + column + "; its columns are "
                    + String.join(",", table.columns()) + ".");
        }
    }

    /**
     * Reads a cell as a number.
     *
     * @param table the table
     * @param row the row index
     * @param column the column
     * @return the value, or NaN when the cell is empty or not a finite decimal
     */
    public static double number(CsvTable table, int row, String column) {
        return Cells.toDouble(table.rows().get(row).get(column));
    }

    /**
     * Names a row for messages by its line and key cells, such as
     * {@code line 3 (finetune=aligned, basis=none, method=none, frac=)}.
     *
     * @param table the table
     * @param row the row index
     * @return the description
     */
    public static String describeRow(CsvTable table, int row) {
        List<String> keys = keyColumns(table);
        Map<String, String> cells = table.rows().get(row);
        return "line " + table.lines().get(row) + " (" + keys.stream().map(key -> key + "=" + cells.get(key))
                .collect(Collectors.joining(", ")) + ")";
    }

    /**
     * Returns the columns that identify a row: the schema's key columns for a file that a goal writes,
     * else the first column.
     *
     * @param table the table
     * @return the key columns that the table has
     */
    public static List<String> keyColumns(CsvTable table) {
        List<String> keys = ResultSchemas.forFile(table.file()).map(FileSchema::keyColumns).orElse(List.of())
                .stream().filter(table.columns()::contains).toList();
        return keys.isEmpty() ? table.columns().subList(0, 1) : keys;
    }

    /**
     * Formats a cell value for messages: the text as written, or {@code (empty)}.
     *
     * @param cell the cell text
     * @return the text for a message
     */
    public static String show(String cell) {
        return cell == null || cell.isEmpty() ? "(empty)" : cell;
    }
}
