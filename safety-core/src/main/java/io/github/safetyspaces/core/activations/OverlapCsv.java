package io.github.safetyspaces.core.activations;

import io.github.safetyspaces.core.io.AtomicFiles;
import io.github.safetyspaces.core.io.CsvTables;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes overlap rows as CSV with the columns {@link #HEADER}: one row per model, hidden state,
 * pair of sets, η and centring choice.
 */
public final class OverlapCsv {

    /** The columns, in order. */
    public static final List<String> HEADER = List.of("model", "layer", "pair", "eta", "centred", "kx", "ky", "D",
            "mso", "random_baseline");

    private OverlapCsv() {
    }

    /**
     * Formats rows as CSV text with a header line. η is written as given (for example {@code 0.05}),
     * MSO and the baseline with six significant digits, or as empty cells when undefined (NaN).
     *
     * @param rows the rows
     * @return the text, lines ending in {@code \n}
     */
    public static String format(List<OverlapRow> rows) {
        StringWriter text = new StringWriter();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(HEADER.toArray(String[]::new))
                .setRecordSeparator("\n").get();
        try (CSVPrinter printer = new CSVPrinter(text, format)) {
            for (OverlapRow row : rows) {
                printer.printRecord(row.model(), row.layer(), row.pair(), plain(row.eta()), row.centred(), row.kx(),
                        row.ky(), row.dimension(), significant(row.mso()), significant(row.randomBaseline()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot format the activation overlap CSV: " + e.getMessage(), e);
        }
        return text.toString();
    }

    /**
     * Writes rows to a file atomically, replacing it.
     *
     * @param file the target
     * @param rows the rows
     */
    public static void write(Path file, List<OverlapRow> rows) {
        AtomicFiles.writeString(file, format(rows));
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** Formats a value with six significant digits, and NaN (an undefined overlap) as an empty cell. */
    private static String significant(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        return CsvTables.formatNumber(value);
    }
}
