package io.github.safetyspaces.core.io;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Formatting of the result tables that the goals write: CSV in Commons CSV's default format (comma
 * separated, quoted where needed) with a header line and {@code \n} line ends, and numbers with six
 * significant digits.
 */
public final class CsvTables {

    private static final MathContext SIGNIFICANT_DIGITS = new MathContext(6, RoundingMode.HALF_EVEN);

    private CsvTables() {
    }

    /**
     * Formats a table as CSV text, so that the caller can write it whole with {@link AtomicFiles}.
     *
     * @param header column names
     * @param rows cells, each row in header order
     * @return the CSV text, header first
     */
    public static String toCsv(List<String> header, List<List<String>> rows) {
        StringWriter text = new StringWriter();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new))
                .setRecordSeparator("\n").get();
        try (CSVPrinter printer = new CSVPrinter(text, format)) {
            for (List<String> row : rows) {
                printer.printRecord(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot format CSV: " + e.getMessage(), e);
        }
        return text.toString();
    }

    /**
     * Formats a number with at most six significant digits and no trailing zeros, in plain notation:
     * {@code 0.25}, {@code 1}, {@code 0.0166667}. A fraction written as {@code 0.01} in a pom stays
     * {@code 0.01} in the CSV, so rows can be selected by the value the user wrote.
     *
     * @param value the number
     * @return its text; {@code NaN} or {@code Infinity} for a value that is not finite
     */
    public static String formatNumber(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        if (value == 0) {
            return "0";
        }
        return new BigDecimal(value).round(SIGNIFICANT_DIGITS).stripTrailingZeros().toPlainString();
    }
}
