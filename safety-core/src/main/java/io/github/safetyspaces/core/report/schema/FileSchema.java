package io.github.safetyspaces.core.report.schema;

import io.github.safetyspaces.core.report.RowSelector;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The layout of one kind of result file: which files it applies to, the goal that writes them, the
 * columns in order with their rules, and the key columns that identify a row.
 *
 * @param kind a name for messages, such as {@code projection.csv}
 * @param fileNameGlob the file names this schema applies to, as a glob, such as {@code activations-*.csv}
 * @param writtenBy the goal that writes these files
 * @param columns the columns, in order
 * @param keyColumns the columns whose values together identify a row; no two rows share them
 */
public record FileSchema(String kind, String fileNameGlob, String writtenBy, List<ColumnRule> columns,
        List<String> keyColumns) {

    /** Checks that the key columns are columns of the schema, and copies the lists. */
    public FileSchema {
        columns = List.copyOf(columns);
        keyColumns = List.copyOf(keyColumns);
        for (String key : keyColumns) {
            if (columns.stream().noneMatch(column -> column.name().equals(key))) {
                throw new IllegalArgumentException("Key column " + key + " of " + kind + " is not one of its columns.");
            }
        }
    }

    /**
     * Returns whether this schema applies to a file, by the file's name.
     *
     * @param file the file
     * @return true when the name matches {@link #fileNameGlob}
     */
    public boolean appliesTo(Path file) {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + fileNameGlob);
        return matcher.matches(file.getFileName());
    }

    /**
     * Returns the rule of a column.
     *
     * @param name the column name
     * @return the rule, or empty for a column this schema does not have
     */
    public Optional<ColumnRule> column(String name) {
        return columns.stream().filter(column -> column.name().equals(name)).findFirst();
    }

    /** Returns the column names, optional ones included, in order. */
    public List<String> columnNames() {
        return columns.stream().map(ColumnRule::name).toList();
    }

    /**
     * Starts a schema.
     *
     * @param kind a name for messages
     * @param fileNameGlob the file names it applies to
     * @param writtenBy the goal that writes the files
     * @return a builder that adds columns in order
     */
    public static Builder builder(String kind, String fileNameGlob, String writtenBy) {
        return new Builder(kind, fileNameGlob, writtenBy);
    }

    /** Adds columns in file order; the modifiers ({@code emptyWhen}, {@code optionalColumn}) act on the last. */
    public static final class Builder {

        private final String kind;
        private final String fileNameGlob;
        private final String writtenBy;
        private final List<ColumnRule> columns = new ArrayList<>();
        private List<String> keyColumns = List.of();

        private Builder(String kind, String fileNameGlob, String writtenBy) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.fileNameGlob = Objects.requireNonNull(fileNameGlob, "fileNameGlob");
            this.writtenBy = Objects.requireNonNull(writtenBy, "writtenBy");
        }

        /**
         * Adds an integer column.
         *
         * @param name the column name
         * @param range the allowed values
         * @return this builder
         */
        public Builder integer(String name, ValueRange range) {
            return add(new ColumnRule(name, ColumnType.INTEGER, range, List.of(), List.of(), false));
        }

        /**
         * Adds a decimal column.
         *
         * @param name the column name
         * @param range the allowed values
         * @return this builder
         */
        public Builder decimal(String name, ValueRange range) {
            return add(new ColumnRule(name, ColumnType.DECIMAL, range, List.of(), List.of(), false));
        }

        /**
         * Adds a boolean column.
         *
         * @param name the column name
         * @return this builder
         */
        public Builder bool(String name) {
            return add(new ColumnRule(name, ColumnType.BOOLEAN, null, List.of(), List.of(), false));
        }

        /**
         * Adds a text column.
         *
         * @param name the column name
         * @param allowedValues the allowed values; none for any non-empty text
         * @return this builder
         */
        public Builder text(String name, String... allowedValues) {
            return add(new ColumnRule(name, ColumnType.TEXT, null, Arrays.asList(allowedValues), List.of(), false));
        }

        /**
         * Makes the last column's cell empty exactly in the rows that any of the selectors selects.
         *
         * @param selectors selectors such as {@code basis=none}
         * @return this builder
         */
        public Builder emptyWhen(String... selectors) {
            ColumnRule last = removeLast();
            List<RowSelector> parsed = Arrays.stream(selectors).map(RowSelector::parse).toList();
            return add(new ColumnRule(last.name(), last.type(), last.range(), last.allowedValues(), parsed,
                    last.optionalColumn()));
        }

        /**
         * Lets files leave the last column out.
         *
         * @return this builder
         */
        public Builder optionalColumn() {
            ColumnRule last = removeLast();
            return add(new ColumnRule(last.name(), last.type(), last.range(), last.allowedValues(), last.emptyWhen(),
                    true));
        }

        /**
         * Sets the columns that identify a row.
         *
         * @param names column names
         * @return this builder
         */
        public Builder keys(String... names) {
            keyColumns = List.of(names);
            return this;
        }

        /**
         * Builds the schema.
         *
         * @return the schema
         */
        public FileSchema build() {
            return new FileSchema(kind, fileNameGlob, writtenBy, columns, keyColumns);
        }

        private Builder add(ColumnRule column) {
            columns.add(column);
            return this;
        }

        private ColumnRule removeLast() {
            if (columns.isEmpty()) {
                throw new IllegalStateException("Add a column before a modifier of the last column.");
            }
            return columns.remove(columns.size() - 1);
        }
    }
}
