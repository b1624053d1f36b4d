package io.github.safetyspaces.core.report;

import java.nio.file.Path;

/**
 * One rule that a result file breaks, located as precisely as the rule allows.
 *
 * @param file the file, relative to the experiment folder
 * @param line the line, counting the header as line 1, or 0 for the whole file
 * @param columnNumber the column, counting from 1, or 0 when no single column applies
 * @param column the column name, or null when no single column applies
 * @param value the offending cell or header text, or null when no single value applies
 * @param rule what the file must satisfy, as a sentence
 */
public record CsvProblem(Path file, long line, int columnNumber, String column, String value, String rule) {

    /**
     * Returns a problem of the whole file.
     *
     * @param file the file, relative to the experiment folder
     * @param rule the rule
     * @return the problem
     */
    public static CsvProblem ofFile(Path file, String rule) {
        return new CsvProblem(file, 0, 0, null, null, rule);
    }

    /**
     * Returns the problem as one line: file, line, column, value and rule, for example
     * {@code projection/projection.csv line 5, column 4 (frac), value "1.5": must be a decimal number in (0, 1].}
     */
    public String message() {
        StringBuilder text = new StringBuilder(file.toString().replace('\\', '/'));
        if (line > 0) {
            text.append(" line ").append(line);
        }
        if (columnNumber > 0) {
            text.append(", column ").append(columnNumber);
            if (column != null) {
                text.append(" (").append(column).append(')');
            }
        }
        if (value != null) {
            text.append(", value \"").append(value).append('"');
        }
        return text.append(": ").append(rule).toString();
    }

    @Override
    public String toString() {
        return message();
    }
}
