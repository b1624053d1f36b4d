package io.github.safetyspaces.core.report.expect;

import io.github.safetyspaces.core.report.Cells;
import io.github.safetyspaces.core.report.CsvTable;
import io.github.safetyspaces.core.report.RowSelector;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Requires one value to exceed another: {@code larger - smaller > margin}. It compares either two
 * columns of the same row or one row with another.
 *
 * <ul>
 *   <li>Column against column: neither side has conditions of its own. Every row that {@code where}
 *       selects must have the larger side's column above the smaller side's, for example the MSO above
 *       its random baseline at every η.</li>
 *   <li>Row against row: a side with conditions selects, together with {@code where}, exactly one row.
 *       That row's value must be above the other side's, for example the harmful fine-tune's
 *       harmfulness above the aligned model's.</li>
 * </ul>
 *
 * An empty or non-numeric cell fails.
 *
 * @param name a name for messages, or null
 * @param file the result file, relative to the experiment folder
 * @param where conditions shared by both sides
 * @param larger the side expected to be larger
 * @param smaller the side expected to be smaller
 * @param margin how much larger must exceed smaller; 0 requires a strict inequality
 */
public record Ordering(String name, String file, RowSelector where, Side larger, Side smaller, double margin)
        implements Expectation {

    /**
     * One side of an ordering.
     *
     * @param where conditions of this side's row, added to the ordering's; empty for column against column
     * @param column the column read
     */
    public record Side(RowSelector where, String column) {

        /** Checks that the side names a column. */
        public Side {
            Objects.requireNonNull(where, "where");
            if (column == null || column.isBlank()) {
                throw new IllegalArgumentException("An ordering side needs a <column>, its own or the ordering's.");
            }
        }

        @Override
        public String toString() {
            return where.selectsAll() ? column : column + "[" + where + "]";
        }
    }

    /** Checks that the ordering compares two different values. */
    public Ordering {
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(larger, "larger");
        Objects.requireNonNull(smaller, "smaller");
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException(Expectation.label("Ordering", name, larger + " > " + smaller)
                    + " needs a <file>.");
        }
        if (!Double.isFinite(margin)) {
            throw new IllegalArgumentException(Expectation.label("Ordering", name, larger + " > " + smaller)
                    + " has the margin " + margin + "; give a finite number, or leave it out for 0.");
        }
        if (larger.equals(smaller)) {
            throw new IllegalArgumentException(Expectation.label("Ordering", name, larger + " > " + smaller)
                    + " compares a value with itself; give the sides different columns or different <where>.");
        }
    }

    /** Returns whether both sides read the same row, comparing two of its columns. */
    public boolean isColumnAgainstColumn() {
        return larger.where().selectsAll() && smaller.where().selectsAll();
    }

    @Override
    public String label() {
        String comparison = larger + " > " + smaller + (margin != 0 ? " + " + margin : "");
        return Expectation.label("Ordering", name, comparison + " in " + file + " where " + where);
    }

    @Override
    public List<String> check(ResultTables tables) {
        CsvTable table = tables.table(file);
        ResultTables.requireColumn(table, file, larger.column());
        ResultTables.requireColumn(table, file, smaller.column());
        List<String> failures = new ArrayList<>();
        if (isColumnAgainstColumn()) {
            for (int row : ResultTables.selectSome(table, file, where)) {
                compare(table, row, row).ifPresent(failures::add);
            }
        } else {
            int largerRow = single(table, where.and(larger.where()));
            int smallerRow = single(table, where.and(smaller.where()));
            compare(table, largerRow, smallerRow).ifPresent(failures::add);
        }
        return failures;
    }

    private int single(CsvTable table, RowSelector selector) {
        List<Integer> rows = ResultTables.selectSome(table, file, selector);
        if (rows.size() > 1) {
            throw new IllegalArgumentException("where " + selector + " selects " + rows.size() + " rows of " + file
                    + " (lines " + rows.stream().map(row -> table.lines().get(row).toString())
                            .collect(Collectors.joining(", ")) + "), but a row-against-row ordering needs exactly"
                    + " one on each side; add conditions that tell them apart.");
        }
        return rows.get(0);
    }

    private Optional<String> compare(CsvTable table, int largerRow, int smallerRow) {
        String highCell = table.rows().get(largerRow).get(larger.column());
        String lowCell = table.rows().get(smallerRow).get(smaller.column());
        String highText = larger.column() + " " + ResultTables.show(highCell);
        String lowText = smaller.column() + " " + ResultTables.show(lowCell);
        String location = largerRow == smallerRow
                ? file + " " + ResultTables.describeRow(table, largerRow) + ": " + highText
                : file + ": " + highText + " at " + ResultTables.describeRow(table, largerRow);
        String other = largerRow == smallerRow ? lowText
                : lowText + " at " + ResultTables.describeRow(table, smallerRow);
        BigDecimal high = Cells.parseDecimal(highCell);
        BigDecimal low = Cells.parseDecimal(lowCell);
        if (high == null || low == null) {
            return Optional.of(location + " cannot be compared with " + other + ": both must be numbers.");
        }
        // Exact decimal arithmetic on the cells as written, so the difference reads as in the file.
        BigDecimal difference = high.subtract(low);
        if (difference.compareTo(BigDecimal.valueOf(margin)) > 0) {
            return Optional.empty();
        }
        String by = margin == 0 ? "" : " by more than the margin " + margin + " (difference "
                + difference.stripTrailingZeros().toPlainString() + ")";
        return Optional.of(location + " is not above " + other + by + ".");
    }
}
