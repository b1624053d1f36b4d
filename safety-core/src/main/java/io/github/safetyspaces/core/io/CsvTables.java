package io.github.safetyspaces.core.io;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Formatting of the result tables that the goals write: CSV in Commons CSV's default format (comma
 * separated, quoted where needed) with a header line and {@code \n} line ends, and numbers with six
 * significant digits.
 */
public final class CsvTables {

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
     * Formats a number with six significant digits in the root locale, for example {@code 0.250000}.
     *
     * @param value the number
     * @return its text
     */
    public static String formatNumber(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
