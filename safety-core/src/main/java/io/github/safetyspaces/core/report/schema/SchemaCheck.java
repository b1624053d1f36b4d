package io.github.safetyspaces.core.report.schema;

import io.github.safetyspaces.core.report.Cells;
import io.github.safetyspaces.core.report.CsvProblem;
import io.github.safetyspaces.core.report.CsvTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a result table against its {@link FileSchema}: the header (columns in order, none missing,
 * none extra), every cell's type, range, allowed values and emptiness, and that no two rows share a
 * key. Non-finite numbers are left to the generic check, which applies to every file.
 */
public final class SchemaCheck {

    private SchemaCheck() {
    }

    /**
     * Checks a table.
     *
     * @param table the table read from the file
     * @param relative the file's path relative to the experiment folder, for messages
     * @param schema the schema of its kind
     * @return the problems found: header, cells by line and column, then duplicate keys
     */
    public static List<CsvProblem> check(CsvTable table, Path relative, FileSchema schema) {
        List<CsvProblem> problems = new ArrayList<>(checkHeader(table.columns(), relative, schema));
        for (int i = 0; i < table.rows().size(); i++) {
            Map<String, String> row = table.rows().get(i);
            long line = table.lines().get(i);
            for (int c = 0; c < table.columns().size(); c++) {
                String name = table.columns().get(c);
                ColumnRule rule = schema.column(name).orElse(null);
                if (rule != null) {
                    checkCell(rule, row, relative, line, c + 1).ifPresent(problems::add);
                }
            }
        }
        problems.addAll(checkKeys(table, relative, schema));
        return problems;
    }

    private static List<CsvProblem> checkHeader(List<String> actual, Path relative, FileSchema schema) {
        List<CsvProblem> problems = new ArrayList<>();
        String expected = String.join(",", schema.columnNames());
        for (int c = 0; c < actual.size(); c++) {
            if (schema.column(actual.get(c)).isEmpty()) {
                problems.add(new CsvProblem(relative, 1, c + 1, null, actual.get(c), "unexpected column; "
                        + schema.kind() + " has the columns " + expected + "."));
            }
        }
        List<String> present = new ArrayList<>();
        for (int c = 0; c < schema.columns().size(); c++) {
            ColumnRule rule = schema.columns().get(c);
            if (actual.contains(rule.name())) {
                present.add(rule.name());
            } else if (!rule.optionalColumn()) {
                problems.add(new CsvProblem(relative, 1, 0, rule.name(), null, "missing column " + rule.name()
                        + "; " + schema.kind() + " has the columns " + expected + "."));
            }
        }
        List<String> known = actual.stream().filter(present::contains).toList();
        if (!known.equals(present)) {
            problems.add(new CsvProblem(relative, 1, 0, null, String.join(",", actual), "columns out of order; "
                    + schema.kind() + " has the columns " + expected + "."));
        }
        return problems;
    }

    private static Optional<CsvProblem> checkCell(ColumnRule rule, Map<String, String> row, Path relative,
            long line, int columnNumber) {
        String cell = row.get(rule.name());
        boolean mustBeEmpty = rule.mustBeEmpty(row);
        if (cell.isEmpty()) {
            if (mustBeEmpty) {
                return Optional.empty();
            }
            String text = rule.emptyWhen().isEmpty() ? "must not be empty; expected " + rule.valueRule() + "."
                    : "must not be empty unless " + rule.emptyCondition() + "; expected " + rule.valueRule() + ".";
            return problem(relative, line, columnNumber, rule, cell, text);
        }
        if (mustBeEmpty) {
            return problem(relative, line, columnNumber, rule, cell, "must be empty when " + rule.emptyCondition()
                    + ".");
        }
        if (rule.type() != ColumnType.TEXT && Cells.isNonFinite(cell)) {
            // Reported by the generic check of every file.
            return Optional.empty();
        }
        if (!rule.type().accepts(cell)) {
            return problem(relative, line, columnNumber, rule, cell, "must be " + rule.valueRule() + ".");
        }
        if (rule.range() != null && !rule.range().contains(Cells.toDouble(cell))) {
            return problem(relative, line, columnNumber, rule, cell, "out of range; must be " + rule.valueRule()
                    + ".");
        }
        if (!rule.allowedValues().isEmpty() && !rule.allowedValues().contains(cell)) {
            return problem(relative, line, columnNumber, rule, cell, "not an allowed value; must be "
                    + rule.valueRule() + ".");
        }
        return Optional.empty();
    }

    private static Optional<CsvProblem> problem(Path relative, long line, int columnNumber,
            ColumnRule rule, String cell, String text) {
        return Optional.of(new CsvProblem(relative, line, columnNumber, rule.name(), cell, text));
    }

    private static List<CsvProblem> checkKeys(CsvTable table, Path relative, FileSchema schema) {
        List<String> keys = schema.keyColumns().stream().filter(table.columns()::contains).toList();
        if (keys.isEmpty() || keys.size() < schema.keyColumns().size()) {
            // A missing key column is already reported by the header check.
            return List.of();
        }
        List<CsvProblem> problems = new ArrayList<>();
        Map<List<String>, Long> firstLine = new HashMap<>();
        for (int i = 0; i < table.rows().size(); i++) {
            Map<String, String> row = table.rows().get(i);
            List<String> key = keys.stream().map(row::get).map(Cells::canonical).toList();
            Long previous = firstLine.putIfAbsent(key, table.lines().get(i));
            if (previous != null) {
                problems.add(new CsvProblem(relative, table.lines().get(i), 0, null, String.join(",", key),
                        "duplicate row: line " + previous + " has the same " + String.join(", ", keys)
                                + "; each row of " + schema.kind() + " must be unique in these columns."));
            }
        }
        return problems;
    }
}
