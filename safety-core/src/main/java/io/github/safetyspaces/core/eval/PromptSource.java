package io.github.safetyspaces.core.eval;

import io.github.safetyspaces.core.data.DataFormat;
import io.github.safetyspaces.core.data.RowFilter;
import io.github.safetyspaces.core.data.RowRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One evaluation file and how to read it: which fields contain the prompt, the reference answer, the
 * id and further metadata, which rows to keep, and how many. {@link PromptSet#read(String, PromptSource)}
 * keeps every row that passes all filters. When a sample size is set, it then keeps a seeded random
 * sample of that many rows, in the order of the seeded shuffle.
 *
 * @param path the data file
 * @param format the file's format
 * @param promptField the field that contains the prompt
 * @param referenceField the field that contains the reference answer, or empty when the set has none
 * @param idField the field that contains a unique id, or empty to use row numbers
 * @param metadataFields further fields copied into {@link EvalItem#metadata()}, in this order
 * @param filters equality filters that a row must all pass to be kept
 * @param sampleSize number of rows to sample, at least 1, or empty to keep all; a size above the
 *     number of matching rows keeps them all, shuffled
 * @param seed seed of the sample's shuffle; unused without a sample size
 * @param range the rows of the file read, before the filters, or empty for all rows
 */
public record PromptSource(Path path, DataFormat format, String promptField, Optional<String> referenceField,
        Optional<String> idField, List<String> metadataFields, List<RowFilter> filters, OptionalInt sampleSize,
        long seed, Optional<RowRange> range) {

    /** Checks the field names and the sample size. */
    public PromptSource {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(referenceField, "referenceField");
        Objects.requireNonNull(idField, "idField");
        Objects.requireNonNull(sampleSize, "sampleSize");
        Objects.requireNonNull(range, "range");
        requireFieldName(path, "promptField", promptField);
        referenceField.ifPresent(name -> requireFieldName(path, "referenceField", name));
        idField.ifPresent(name -> requireFieldName(path, "idField", name));
        metadataFields = List.copyOf(metadataFields);
        Set<String> seen = new HashSet<>();
        for (String name : metadataFields) {
            requireFieldName(path, "metadataFields", name);
            if (!seen.add(name)) {
                throw new IllegalArgumentException("The metadata field '" + name + "' of prompt source " + path
                        + " is listed twice; list each field once.");
            }
        }
        filters = List.copyOf(filters);
        if (sampleSize.isPresent() && sampleSize.getAsInt() < 1) {
            throw new IllegalArgumentException("The sample size of prompt source " + path + " must be at least 1, got "
                    + sampleSize.getAsInt() + "; leave it unset to keep all rows.");
        }
    }

    /**
     * Creates a builder.
     *
     * @return a new builder with no fields set, the format chosen from the file's extension, no
     *     filters and no sample
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a builder for AdvBench's {@code harmful_behaviors} CSV: prompt field {@code goal}.
     *
     * @param csv the CSV file with the columns {@code goal} and {@code target}
     * @return the builder, to which a sample may be added
     */
    public static Builder forAdvBench(Path csv) {
        return builder().setPath(csv).setPromptField("goal");
    }

    /**
     * Creates a builder for a GSM8K JSON Lines file: prompt field {@code question}, reference field
     * {@code answer}, whose worked solution ends in {@code #### N}.
     *
     * @param jsonl {@code test.jsonl} or {@code train.jsonl}
     * @return the builder
     */
    public static Builder forGsm8k(Path jsonl) {
        return builder().setPath(jsonl).setPromptField("question").optReferenceField("answer");
    }

    /**
     * Creates a builder for XSTest's prompt CSV: prompt field {@code prompt}, ids from {@code id}, and
     * the metadata {@code type}, {@code label} ({@code safe} or {@code unsafe}), {@code focus} and
     * {@code note}.
     *
     * @param csv {@code xstest_prompts.csv}
     * @return the builder; add the filter {@code label=safe} for the over-refusal prompts
     */
    public static Builder forXsTest(Path csv) {
        return builder().setPath(csv).setPromptField("prompt").optIdField("id")
                .addMetadataField("type").addMetadataField("label").addMetadataField("focus").addMetadataField("note");
    }

    /**
     * Creates a builder for a refusal-direction split: a JSON array of {@code {instruction, category}}
     * objects, prompt field {@code instruction}, metadata {@code category}.
     *
     * @param json for example {@code harmful_test.json}
     * @return the builder
     */
    public static Builder forRefusalSplit(Path json) {
        return builder().setPath(json).setPromptField("instruction").addMetadataField("category");
    }

    /**
     * Describes the source for messages and summaries: the file and each setting that removes or
     * reorders rows.
     *
     * @return for example {@code xstest_prompts.csv (filters [label=safe], sample 50 with seed 1)}
     */
    public String describe() {
        StringBuilder text = new StringBuilder(path.toString());
        List<String> settings = new ArrayList<>();
        range.ifPresent(rows -> settings.add("rows " + rows));
        if (!filters.isEmpty()) {
            settings.add("filters " + filters);
        }
        sampleSize.ifPresent(size -> settings.add("sample " + size + " with seed " + seed));
        if (!settings.isEmpty()) {
            text.append(" (").append(String.join(", ", settings)).append(')');
        }
        return text.toString();
    }

    private static void requireFieldName(Path path, String setting, String name) {
        Objects.requireNonNull(name, setting);
        if (name.isBlank()) {
            throw new IllegalArgumentException("The " + setting + " of prompt source " + path + " is blank; give the"
                    + " name of a field of the file.");
        }
    }

    /** Builder of {@link PromptSource}: {@code set*} for the required path and prompt field, {@code opt*} and {@code add*} for the rest. */
    public static final class Builder {

        private Path path;
        private DataFormat format;
        private String promptField;
        private Optional<String> referenceField = Optional.empty();
        private Optional<String> idField = Optional.empty();
        private final List<String> metadataFields = new ArrayList<>();
        private final List<RowFilter> filters = new ArrayList<>();
        private OptionalInt sampleSize = OptionalInt.empty();
        private long seed;
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
         * Sets the name of the prompt field.
         *
         * @param name the field name, for example {@code goal} for AdvBench
         * @return this builder
         */
        public Builder setPromptField(String name) {
            this.promptField = name;
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
         * Sets the name of the reference answer field (default none).
         *
         * @param name the field name
         * @return this builder
         */
        public Builder optReferenceField(String name) {
            this.referenceField = Optional.of(Objects.requireNonNull(name, "name"));
            return this;
        }

        /**
         * Sets the name of the id field (default none, so ids are row numbers).
         *
         * @param name the field name
         * @return this builder
         */
        public Builder optIdField(String name) {
            this.idField = Optional.of(Objects.requireNonNull(name, "name"));
            return this;
        }

        /**
         * Adds a field to copy into each item's metadata.
         *
         * @param name the field name, for example {@code label}
         * @return this builder
         */
        public Builder addMetadataField(String name) {
            metadataFields.add(Objects.requireNonNull(name, "name"));
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
         * @param filter the filter, for example {@code label=safe}
         * @return this builder
         * @throws IllegalArgumentException if the text is not of the form {@code field=value}
         */
        public Builder addFilter(String filter) {
            return addFilter(RowFilter.parse(filter));
        }

        /**
         * Reads only a block of rows of the file, numbered from 1, before the filters and the sample
         * (default all rows).
         *
         * @param rows the rows, for example {@code RowRange.parse("1-260")}
         * @return this builder
         */
        public Builder optRange(RowRange rows) {
            this.range = Optional.of(rows);
            return this;
        }

        /**
         * Keeps a seeded random sample of the matching rows (default all rows in file order).
         *
         * @param size the number of rows, at least 1
         * @param sampleSeed the seed of the shuffle that draws them
         * @return this builder
         */
        public Builder optSample(int size, long sampleSeed) {
            this.sampleSize = OptionalInt.of(size);
            this.seed = sampleSeed;
            return this;
        }

        /**
         * Builds the source.
         *
         * @return the source
         * @throws IllegalArgumentException if the path or prompt field is missing, the format cannot be
         *     determined from the extension, a field name is blank or repeated, or the sample size is
         *     below 1
         */
        public PromptSource build() {
            if (path == null) {
                throw new IllegalArgumentException("A prompt source needs a file; call setPath.");
            }
            if (promptField == null) {
                throw new IllegalArgumentException("The prompt source " + path + " needs a prompt field; call"
                        + " setPromptField with the name of the field that contains the prompts.");
            }
            DataFormat resolved = format != null ? format : DataFormat.fromExtension(path);
            return new PromptSource(path, resolved, promptField, referenceField, idField, metadataFields, filters,
                    sampleSize, seed, range);
        }
    }
}
