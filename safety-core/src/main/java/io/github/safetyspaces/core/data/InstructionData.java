package io.github.safetyspaces.core.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.safetyspaces.core.data.DataRows.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads instruction data sets into {@link InstructionExample}s.
 *
 * <p>Text fields hold JSON strings. A number or boolean in a text field is converted to its text as
 * written in the file ({@code 72}, {@code 0.5}, {@code true}), because a CSV file of the same data
 * would hold that text and data sets with numeric responses are common. Null, objects and arrays are
 * rejected in the instruction and response fields. In the input field a missing field or null means
 * an empty input, and objects and arrays are rejected. Empty strings are kept as they are.
 */
public final class InstructionData {

    private static final Logger LOG = LoggerFactory.getLogger(InstructionData.class);

    private InstructionData() {
    }

    /**
     * Reads the examples of one data source: every row of the file, then the rows that pass all
     * filters, shuffled when the source has a seed, then at most the limit. Only the rows kept after
     * the filters and the limit are checked for the instruction and response fields, so a file may
     * mix row kinds that a filter separates.
     *
     * @param source the file and how to read it
     * @return the examples, at least one
     * @throws IllegalArgumentException if the file is missing, is malformed (naming the line or row),
     *     a kept row lacks a text field (naming the row, the field and the fields it has), or no row is
     *     left (naming the filters)
     * @throws java.io.UncheckedIOException if the file cannot be read
     */
    public static List<InstructionExample> read(DataSource source) {
        Objects.requireNonNull(source, "source");
        Path file = source.path();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Data file not found: " + file.toAbsolutePath() + "; check the path"
                    + " of the data source.");
        }

        // Rows of the file, then the range and the filters.
        List<Row> rows = DataRows.read(file, source.format());
        if (source.range().isPresent()) {
            RowRange range = source.range().get();
            if (range.last() > rows.size()) {
                throw new IllegalArgumentException("Row range " + range + " of " + file + " ends after the file's "
                        + rows.size() + " rows; choose a range within 1-" + rows.size() + ".");
            }
            rows = rows.stream().filter(row -> range.contains(row.number())).toList();
        }
        List<Row> kept = new ArrayList<>();
        for (Row row : rows) {
            if (passesFilters(row, source.filters())) {
                kept.add(row);
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException(describeEmptyResult(source, rows));
        }
        int passing = kept.size();

        // Seeded shuffle, then the limit.
        if (source.seed().isPresent()) {
            kept = Shuffles.shuffled(kept, source.seed().getAsLong());
        }
        if (source.limit().isPresent() && kept.size() > source.limit().getAsInt()) {
            kept = kept.subList(0, source.limit().getAsInt());
        }

        // Field mapping.
        List<InstructionExample> examples = new ArrayList<>(kept.size());
        int emptyResponses = 0;
        for (Row row : kept) {
            InstructionExample example = toExample(source, row);
            if (example.response().isEmpty()) {
                emptyResponses++;
            }
            examples.add(example);
        }
        LOG.info("Read {} examples from {}: {} rows in the file, {} passed the filters", examples.size(),
                source.describe(), rows.size(), passing);
        if (emptyResponses > 0) {
            LOG.warn("{} of {} examples from {} have an empty response field '{}'; fine-tuning on them teaches the"
                    + " model to end its answer at once", emptyResponses, examples.size(), file,
                    source.responseField());
        }
        return examples;
    }

    private static boolean passesFilters(Row row, List<RowFilter> filters) {
        for (RowFilter filter : filters) {
            if (!filter.matches(textForm(row.fields().get(filter.field())))) {
                return false;
            }
        }
        return true;
    }

    /** Returns a value's text as filters compare it, or null for a missing field or JSON null. */
    static String textForm(JsonElement value) {
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (value.isJsonPrimitive()) {
            // A number keeps the digits written in the file, because Gson parses numbers lazily.
            return value.getAsString();
        }
        return value.toString();
    }

    private static InstructionExample toExample(DataSource source, Row row) {
        String instruction = requiredText(source, row, source.instructionField(), "instruction field");
        String response = requiredText(source, row, source.responseField(), "response field");
        String input = source.inputField().map(name -> optionalText(source, row, name)).orElse("");
        return new InstructionExample(instruction, input, response, source.path(), row.number());
    }

    private static String requiredText(DataSource source, Row row, String field, String setting) {
        JsonElement value = row.fields().get(field);
        if (value == null) {
            throw new IllegalArgumentException("Row " + row.number() + " of " + source.path() + " has no field '"
                    + field + "'; its fields are " + fieldNames(row.fields()) + ". Set the " + setting
                    + " of the data source to one of them.");
        }
        if (value.isJsonNull() || !value.isJsonPrimitive()) {
            throw notText(source, row, field, value, setting);
        }
        return value.getAsString();
    }

    private static String optionalText(DataSource source, Row row, String field) {
        JsonElement value = row.fields().get(field);
        if (value == null || value.isJsonNull()) {
            return "";
        }
        if (!value.isJsonPrimitive()) {
            throw notText(source, row, field, value, "input field");
        }
        return value.getAsString();
    }

    private static IllegalArgumentException notText(DataSource source, Row row, String field, JsonElement value,
            String setting) {
        return new IllegalArgumentException("Row " + row.number() + " of " + source.path() + " has "
                + DataRows.describe(value) + " in field '" + field + "', but the " + setting + " needs text; its"
                + " fields are " + fieldNames(row.fields()) + ". Fix the row or set the " + setting
                + " of the data source to a text field.");
    }

    private static String fieldNames(JsonObject fields) {
        return fields.keySet().isEmpty() ? "none" : String.join(", ", fields.keySet());
    }

    private static String abbreviate(String text) {
        int maxChars = 40;
        return text.length() <= maxChars ? text : text.substring(0, maxChars) + "...";
    }

    /** Explains why no row is left: an empty file, or what each filter matched on its own. */
    private static String describeEmptyResult(DataSource source, List<Row> rows) {
        Path file = source.path();
        if (rows.isEmpty()) {
            return "Data file " + file + " contains no rows; check that it is the intended file and that its"
                    + " format is " + source.format().extension() + ".";
        }
        StringBuilder message = new StringBuilder("No rows of " + file + " are left: the file has " + rows.size()
                + " rows, and the filters removed all of them.");
        for (RowFilter filter : source.filters()) {
            int matching = 0;
            int lacking = 0;
            Optional<String> example = Optional.empty();
            for (Row row : rows) {
                String text = textForm(row.fields().get(filter.field()));
                if (text == null) {
                    lacking++;
                } else if (example.isEmpty()) {
                    example = Optional.of(text);
                }
                if (filter.matches(text)) {
                    matching++;
                }
            }
            message.append(" Filter ").append(filter).append(" matches ").append(matching).append(" rows");
            if (lacking > 0) {
                message.append(", and ").append(lacking).append(" rows have no field '").append(filter.field())
                        .append("'");
            }
            example.ifPresent(text -> message.append(" (a value in the file: '").append(abbreviate(text)).append("')"));
            message.append('.');
        }
        message.append(" Values compare case-sensitively, except the words true and false.");
        return message.toString();
    }
}
