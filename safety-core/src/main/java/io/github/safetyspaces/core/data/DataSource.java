package io.github.safetyspaces.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One instruction data file and how to read it: its format, which fields hold the instruction, input
 * and response, which rows to keep, and how many. {@link InstructionData#read(DataSource)} applies
 * the steps in this order: filters, then a seeded shuffle (only when a seed is set), then the limit.
 * So a limit with a seed draws a seeded random subset of the matching rows, and a limit without a
 * seed keeps the first matching rows in file order.
 *
 * @param path the data file
 * @param format the file's format
 * @param instructionField the field that contains the instruction
 * @param inputField the field that contains the optional input, or empty when the file has none. A row
 *     that lacks the field, or has JSON null there, has an empty input.
 * @param responseField the field that contains the response
 * @param filters equality filters that a row must all pass to be kept
 * @param limit maximum number of rows to keep, at least 1, or empty for all; a limit above the
 *     number of matching rows keeps them all
 * @param seed seed of the shuffle before the limit, or empty to keep file order
 * @param range the rows of the file read, before the filters, or empty for all rows
 */
public record DataSource(Path path, DataFormat format, String instructionField, Optional<String> inputField,
        String responseField, List<RowFilter> filters, OptionalInt limit, OptionalLong seed,
        Optional<RowRange> range) {

    /** Default name of the instruction field, as in Alpaca-style data. */
    public static final String DEFAULT_INSTRUCTION_FIELD = "instruction";

    /** Default name of the input field, as in Alpaca-style data. */
    public static final String DEFAULT_INPUT_FIELD = "input";

    /** Default name of the response field, as in Alpaca-style data. */
    public static final String DEFAULT_RESPONSE_FIELD = "output";

    /** Checks that the field names are not blank and that the limit is positive. */
    public DataSource {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(inputField, "inputField");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(range, "range");
        requireFieldName(path, "instructionField", instructionField);
        requireFieldName(path, "responseField", responseField);
        inputField.ifPresent(name -> requireFieldName(path, "inputField", name));
        filters = List.copyOf(filters);
        if (limit.isPresent() && limit.getAsInt() < 1) {
            throw new IllegalArgumentException("The row limit of data source " + path + " must be at least 1, got "
                    + limit.getAsInt() + "; leave it unset to keep all rows.");
        }
    }

    /**
     * Returns a source with the default fields ({@code instruction}, {@code input}, {@code output}), the
     * format chosen from the file's extension, no filters, no limit and no shuffle.
     *
     * @param path the data file
     * @return the source
     * @throws IllegalArgumentException if the extension is not {@code .jsonl}, {@code .json} or {@code .csv}
     */
    public static DataSource of(Path path) {
        return builder().setPath(path).build();
    }

    /**
     * Creates a builder with the defaults of {@link #of(Path)}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Describes the source for messages: the file and each setting that removes or reorders rows.
     *
     * @return for example {@code data.jsonl (filters [is_safe=false], seed 3, limit 100)}
     */
    public String describe() {
        StringBuilder text = new StringBuilder(path.toString());
        List<String> settings = new ArrayList<>();
        range.ifPresent(rows -> settings.add("rows " + rows));
        if (!filters.isEmpty()) {
            settings.add("filters " + filters);
        }
        seed.ifPresent(value -> settings.add("seed " + value));
        limit.ifPresent(value -> settings.add("limit " + value));
        if (!settings.isEmpty()) {
            text.append(" (").append(String.join(", ", settings)).append(')');
        }
        return text.toString();
    }

    private static void requireFieldName(Path path, String setting, String name) {
        Objects.requireNonNull(name, setting);
        if (name.isBlank()) {
            throw new IllegalArgumentException("The " + setting + " of data source " + path + " is blank; give the"
                    + " name of a field of the file.");
        }
    }

    /** Builder of {@link DataSource}: {@code set*} for the required path, {@code opt*} for the rest. */
    public static final class Builder {

        private Path path;
        private DataFormat format;
        private String instructionField = DEFAULT_INSTRUCTION_FIELD;
        private Optional<String> inputField = Optional.of(DEFAULT_INPUT_FIELD);
        private String responseField = DEFAULT_RESPONSE_FIELD;
        private final List<RowFilter> filters = new ArrayList<>();
        private OptionalInt limit = OptionalInt.empty();
        private OptionalLong seed = OptionalLong.empty();
        private Optional<RowRange> range = Optional.empty();

        private Builder() {
        }

        /**
         * Sets the data file.
         *
         * @param path the file
         * @return this builder
         */
        public Builder setPath(Path path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * Sets the format, which is otherwise chosen from the file's extension.
         *
         * @param format the format
         * @return this builder
         */
        public Builder optFormat(DataFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * Sets the name of the instruction field (default {@code instruction}).
         *
         * @param name the field name, for example {@code question} for GSM8K
         * @return this builder
         */
        public Builder optInstructionField(String name) {
            this.instructionField = name;
            return this;
        }

        /**
         * Sets the name of the input field (default {@code input}).
         *
         * @param name the field name
         * @return this builder
         */
        public Builder optInputField(String name) {
            this.inputField = Optional.of(Objects.requireNonNull(name, "name"));
            return this;
        }

        /**
         * Reads no input field, so every example has an empty input even if the file has an {@code input}
         * field with another meaning.
         *
         * @return this builder
         */
        public Builder optNoInputField() {
            this.inputField = Optional.empty();
            return this;
        }

        /**
         * Sets the name of the response field (default {@code output}).
         *
         * @param name the field name, for example {@code answer} for GSM8K
         * @return this builder
         */
        public Builder optResponseField(String name) {
            this.responseField = name;
            return this;
        }

        /**
         * Adds an equality filter that rows must pass.
         *
         * @param filter the filter
         * @return this builder
         */
        public Builder addFilter(RowFilter filter) {
            filters.add(Objects.requireNonNull(filter, "filter"));
            return this;
        }

        /**
         * Parses and adds an equality filter written {@code field=value}.
         *
         * @param filter the filter, for example {@code is_safe=false}
         * @return this builder
         * @throws IllegalArgumentException if the text is not of the form {@code field=value}
         */
        public Builder addFilter(String filter) {
            return addFilter(RowFilter.parse(filter));
        }

        /**
         * Sets the maximum number of rows to keep after filtering (default all).
         *
         * @param limit the limit, at least 1
         * @return this builder
         */
        public Builder optLimit(int limit) {
            this.limit = OptionalInt.of(limit);
            return this;
        }

        /**
         * Shuffles the matching rows with this seed before the limit (default no shuffle).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = OptionalLong.of(seed);
            return this;
        }

        /**
         * Reads only a block of rows of the file, numbered from 1, before the filters (default all rows).
         *
         * @param range the rows, for example {@code RowRange.parse("1-260")}
         * @return this builder
         */
        public Builder optRange(RowRange range) {
            this.range = Optional.of(range);
            return this;
        }

        /**
         * Builds the source.
         *
         * @return the source
         * @throws IllegalArgumentException if the path is missing, the format cannot be determined from
         *     the extension, a field name is blank or the limit is below 1
         */
        public DataSource build() {
            if (path == null) {
                throw new IllegalArgumentException("A data source needs a file; call setPath.");
            }
            DataFormat resolved = format != null ? format : DataFormat.fromExtension(path);
            return new DataSource(path, resolved, instructionField, inputField, responseField, filters, limit, seed,
                    range);
        }
    }
}
