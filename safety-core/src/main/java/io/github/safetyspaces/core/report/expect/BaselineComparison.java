package io.github.safetyspaces.core.report.expect;

import io.github.safetyspaces.core.report.Cells;
import io.github.safetyspaces.core.report.CsvTable;
import io.github.safetyspaces.core.report.RowSelector;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Compares a result file with a baseline CSV committed with the experiment. Rows are matched by key
 * columns; numbers in the key compare by value, so {@code 0.5} matches {@code 0.500000}. In each
 * matched row, every column with a tolerance must lie within that absolute tolerance of the baseline,
 * and an empty cell matches only an empty cell. Every baseline row must have a matching result row.
 * Result rows absent from the baseline are not checked, so a sweep may grow without failing.
 *
 * @param name a name for messages, or null
 * @param file the result file, relative to the experiment folder
 * @param baseline the baseline CSV, with the key columns and every column that has a tolerance
 * @param keys the columns that match rows; empty for the key columns of the file's schema
 * @param tolerances the absolute tolerance of each compared column, each at least 0
 * @param where the baseline rows to compare; the selector selects every row by default
 */
public record BaselineComparison(String name, String file, Path baseline, List<String> keys,
        Map<String, Double> tolerances, RowSelector where) implements Expectation {

    /** Checks the settings and copies the collections. */
    public BaselineComparison {
        Objects.requireNonNull(where, "where");
        keys = List.copyOf(keys);
        tolerances = Collections.unmodifiableMap(new LinkedHashMap<>(tolerances));
        String self = Expectation.label("Baseline", name, file + " against " + baseline);
        if (file == null || file.isBlank() || baseline == null) {
            throw new IllegalArgumentException(self + " needs a <file> and a <baseline>.");
        }
        if (tolerances.isEmpty()) {
            throw new IllegalArgumentException(self + " has no <tolerances>; give each compared column its absolute"
                    + " tolerance, such as <tolerances><harmfulness>0.05</harmfulness></tolerances>.");
        }
        for (Map.Entry<String, Double> tolerance : tolerances.entrySet()) {
            Double value = tolerance.getValue();
            if (value == null || !(value >= 0) || value.isInfinite()) {
                throw new IllegalArgumentException(self + " has the tolerance " + value + " for "
                        + tolerance.getKey() + "; give a finite number of at least 0.");
            }
        }
    }

    @Override
    public String label() {
        String within = tolerances.entrySet().stream().map(entry -> entry.getKey() + " +-" + entry.getValue())
                .collect(Collectors.joining(", "));
        return Expectation.label("Baseline", name, file + " matches " + baseline + " within " + within
                + (where.selectsAll() ? "" : " where " + where));
    }

    @Override
    public List<String> check(ResultTables tables) {
        CsvTable actual = tables.table(file);
        CsvTable expected = tables.external(baseline);
        String baselineLabel = baseline.toString();
        List<String> keyColumns = keys.isEmpty() ? ResultTables.keyColumns(actual) : keys;
        for (String column : keyColumns) {
            ResultTables.requireColumn(actual, file, column);
            ResultTables.requireColumn(expected, baselineLabel, column);
        }
        for (String column : tolerances.keySet()) {
            ResultTables.requireColumn(actual, file, column);
            ResultTables.requireColumn(expected, baselineLabel, column);
        }

        Map<List<String>, Integer> actualRows = index(actual, file, keyColumns);
        List<Integer> expectedRows = where.selectsAll() ? allRows(expected)
                : ResultTables.selectSome(expected, baselineLabel, where);
        List<String> failures = new ArrayList<>();
        for (int expectedRow : expectedRows) {
            Map<String, String> want = expected.rows().get(expectedRow);
            List<String> key = keyOf(want, keyColumns);
            Integer actualRow = actualRows.get(key);
            String keyText = keyColumns.stream().map(column -> column + "=" + want.get(column))
                    .collect(Collectors.joining(", "));
            if (actualRow == null) {
                failures.add(baselineLabel + " line " + expected.lines().get(expectedRow) + " (" + keyText
                        + ") has no row in " + file + " with the same " + String.join(", ", keyColumns) + ".");
                continue;
            }
            Map<String, String> got = actual.rows().get(actualRow);
            for (Map.Entry<String, Double> tolerance : tolerances.entrySet()) {
                String column = tolerance.getKey();
                String difference = compare(got.get(column), want.get(column), tolerance.getValue());
                if (difference != null) {
                    failures.add(file + " " + ResultTables.describeRow(actual, actualRow) + ": " + column + " is "
                            + ResultTables.show(got.get(column)) + ", baseline " + ResultTables.show(want.get(column))
                            + " (" + baselineLabel + " line " + expected.lines().get(expectedRow) + "); "
                            + difference);
                }
            }
        }
        return failures;
    }

    /** Returns null when the cells agree, else why they do not. */
    private static String compare(String got, String want, double tolerance) {
        if (got.isEmpty() || want.isEmpty()) {
            return got.isEmpty() && want.isEmpty() ? null : "an empty cell matches only an empty cell.";
        }
        BigDecimal gotNumber = Cells.parseDecimal(got);
        BigDecimal wantNumber = Cells.parseDecimal(want);
        if (gotNumber == null || wantNumber == null) {
            return got.equals(want) ? null : "text cells must be equal.";
        }
        // Exact decimal arithmetic, so a difference equal to the tolerance passes.
        BigDecimal difference = gotNumber.subtract(wantNumber).abs();
        if (difference.compareTo(BigDecimal.valueOf(tolerance)) <= 0) {
            return null;
        }
        return "the difference " + difference.stripTrailingZeros().toPlainString() + " exceeds the tolerance "
                + tolerance + ".";
    }

    private static Map<List<String>, Integer> index(CsvTable table, String label, List<String> keyColumns) {
        Map<List<String>, Integer> rows = new HashMap<>();
        for (int row = 0; row < table.rows().size(); row++) {
            Integer previous = rows.putIfAbsent(keyOf(table.rows().get(row), keyColumns), row);
            if (previous != null) {
                throw new IllegalArgumentException(label + " lines " + table.lines().get(previous) + " and "
                        + table.lines().get(row) + " have the same " + String.join(", ", keyColumns)
                        + ", so rows cannot be matched; give <keys> that identify a row.");
            }
        }
        return rows;
    }

    private static List<String> keyOf(Map<String, String> row, List<String> keyColumns) {
        return keyColumns.stream().map(column -> Cells.canonical(row.get(column))).toList();
    }

    private static List<Integer> allRows(CsvTable table) {
        List<Integer> rows = new ArrayList<>();
        for (int row = 0; row < table.rows().size(); row++) {
            rows.add(row);
        }
        return rows;
    }
}
