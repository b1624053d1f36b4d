package io.github.safetyspaces.core.report;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A result CSV read into memory: its header and rows, with each row's line number for messages.
 *
 * @param file the file read
 * @param columns the header, in order
 * @param rows the data rows, each a map from column to cell text
 * @param lines the line number of each row in the file, counting the header as line 1
 */
public record CsvTable(Path file, List<String> columns, List<Map<String, String>> rows, List<Long> lines) {

    /**
     * Reads a CSV file with a header row.
     *
     * @param file the file
     * @return the table
     * @throws CsvFormatException naming the file and line when a row has a different number of cells
     *     than the header, the header is missing, or quoting is malformed
     */
    public static CsvTable read(Path file) {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
            List<String> columns = parser.getHeaderNames();
            if (columns.isEmpty()) {
                throw new CsvFormatException(file, 1, "the header row is missing.");
            }
            Set<String> seen = new HashSet<>();
            for (String column : columns) {
                if (!seen.add(column)) {
                    throw new CsvFormatException(file, 1, "the header has the column '" + column
                            + "' twice; each column needs its own name.");
                }
            }
            List<Map<String, String>> rows = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            for (CSVRecord record : parser) {
                long line = parser.getCurrentLineNumber();
                if (record.size() != columns.size()) {
                    throw new CsvFormatException(file, line, record.size() + " cells for " + columns.size()
                            + " columns.");
                }
                rows.add(record.toMap());
                lines.add(line);
            }
            return new CsvTable(file, List.copyOf(columns), List.copyOf(rows), List.copyOf(lines));
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read " + file + ": " + e.getMessage(), e);
        } catch (CsvFormatException e) {
            throw e;
        } catch (IllegalStateException | IllegalArgumentException e) {
            // Commons CSV reports malformed quoting this way, and a duplicate or blank column name too.
            CsvFormatException invalid = new CsvFormatException(file, 0, e.getMessage());
            invalid.initCause(e);
            throw invalid;
        }
    }

    /**
     * Returns the first row whose cells equal the given values.
     *
     * @param criteria column name, value, column name, value, ...
     * @return the row, or empty
     */
    public Optional<Map<String, String>> find(String... criteria) {
        return rows.stream().filter(row -> {
            for (int i = 0; i + 1 < criteria.length; i += 2) {
                if (!criteria[i + 1].equals(row.get(criteria[i]))) {
                    return false;
                }
            }
            return true;
        }).findFirst();
    }
}
