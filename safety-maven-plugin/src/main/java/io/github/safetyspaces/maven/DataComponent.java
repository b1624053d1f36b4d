package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.data.ComponentSize;
import io.github.safetyspaces.core.data.DataFormat;
import io.github.safetyspaces.core.data.DataSource;
import io.github.safetyspaces.core.data.MixtureComponent;
import io.github.safetyspaces.core.data.RowRange;
import java.io.File;
import java.util.List;

/**
 * One source of a training mixture, as configured in a pom:
 *
 * <pre>{@code
 * <component>
 *   <name>harmful</name>
 *   <data>data/harmful.jsonl</data>
 *   <rows>0.2</rows>
 * </component>
 * }</pre>
 *
 * <p>Fields left out take the defaults of {@link DataSource}: fields {@code instruction},
 * {@code input} and {@code output}, the format from the file extension, every row.
 */
public class DataComponent {

    /** Name used in logs and in {@code training.json}; by default the file name. */
    private String name;

    /** The data file: JSONL, a JSON array, or CSV with a header. */
    private File data;

    /** {@code jsonl}, {@code json} or {@code csv}; by default from the file extension. */
    private String format;

    /** Field holding the instruction. */
    private String instructionField = DataSource.DEFAULT_INSTRUCTION_FIELD;

    /** Field holding the optional input; a row without it has an empty input. */
    private String inputField = DataSource.DEFAULT_INPUT_FIELD;

    /** Field holding the response. */
    private String responseField = DataSource.DEFAULT_RESPONSE_FIELD;

    /** Row filters {@code field=value}; a row is kept when all of them match. */
    private List<String> filters = List.of();

    /** Block of rows of the file read, numbered from 1, such as {@code 261-520}; applied before the filters. */
    private String range;

    /** Maximum rows read from the file, after filtering and the seeded shuffle. */
    private Integer limit;

    /** Seed of the shuffle before the limit; without it the file order is kept. */
    private Long seed;

    /**
     * Rows the component contributes: {@code all}, a count such as {@code 500}, or a ratio such as
     * {@code 0.2} of the first component's rows.
     */
    private String rows = "all";

    /** Sets every field at once, for the single-file form of the command line. */
    void configure(File file, String fileFormat, String instruction, String input, String response,
            List<String> rowFilters, Integer rowLimit, Long shuffleSeed) {
        this.data = file;
        this.format = fileFormat;
        this.instructionField = instruction;
        this.inputField = input;
        this.responseField = response;
        this.filters = List.copyOf(rowFilters);
        this.limit = rowLimit;
        this.seed = rowLimit == null ? null : shuffleSeed;
    }

    /**
     * Converts the configuration into a mixture component.
     *
     * @param index position in the mixture, used in error messages
     * @return the component
     * @throws IllegalArgumentException naming the component and the bad setting
     */
    MixtureComponent toComponent(int index) {
        if (data == null) {
            throw new IllegalArgumentException("Mixture component " + (index + 1) + " has no <data> file.");
        }
        DataSource.Builder builder = DataSource.builder().setPath(data.toPath())
                .optInstructionField(instructionField).optResponseField(responseField);
        builder = inputField == null || inputField.isBlank() ? builder.optNoInputField()
                : builder.optInputField(inputField);
        if (format != null) {
            builder.optFormat(DataFormat.parse(format));
        }
        for (String filter : filters) {
            builder.addFilter(filter);
        }
        if (range != null && !range.isBlank()) {
            builder.optRange(RowRange.parse(range));
        }
        if (limit != null) {
            builder.optLimit(limit);
        }
        if (seed != null) {
            builder.optSeed(seed);
        }
        String componentName = name != null ? name : data.getName();
        return new MixtureComponent(componentName, builder.build(), ComponentSize.parse(rows));
    }
}
