package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.data.DataFormat;
import io.github.safetyspaces.core.eval.PromptSource;
import java.io.File;
import java.nio.file.Path;

/**
 * One named prompt set of the {@code activations} goal, as configured in a pom:
 *
 * <pre>{@code
 * <promptSet>
 *   <name>harmful</name>
 *   <file>data/advbench.csv</file>
 *   <field>goal</field>
 * </promptSet>
 * }</pre>
 */
public class PromptSetFile {

    /** Default prompt field, as in Alpaca-style instruction data. */
    static final String DEFAULT_FIELD = "instruction";

    /** The set's name in the CSV's pair column and in the states file: letters, digits and {@code _}. */
    private String name;

    /** The prompt file: JSONL, a JSON array, or CSV with a header. */
    private File file;

    /** Field that contains the prompt. */
    private String field = DEFAULT_FIELD;

    /** {@code jsonl}, {@code json} or {@code csv}; by default from the file extension. */
    private String format;

    /** Prompts drawn with the goal's seed; 0 or unset takes the goal's {@code sample}. */
    private Integer sample;

    /** Creates an empty entry, which Maven fills from the pom. */
    public PromptSetFile() {
    }

    /** Creates an entry from the command-line list or the default pair of sets. */
    PromptSetFile(String name, File file, String field) {
        this.name = name;
        this.file = file;
        this.field = field;
    }

    /** Returns the set's name, or null when the pom leaves it out. */
    String name() {
        return name;
    }

    /**
     * Converts the entry into a prompt source.
     *
     * @param index position in the list, used in error messages
     * @param defaultSample the goal's sample size, 0 for all prompts
     * @param seed the seed of the sample
     * @return the source
     * @throws IllegalArgumentException naming the entry and the bad setting
     */
    PromptSource toSource(int index, int defaultSample, long seed) {
        String label = name != null ? "Prompt set '" + name + "'" : "Prompt set " + (index + 1);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(label + " has no <name>; give each set a name such as useful.");
        }
        if (file == null) {
            throw new IllegalArgumentException(label + " has no <file>; give the prompt file.");
        }
        int size = sample != null && sample > 0 ? sample : defaultSample;
        if (size < 0) {
            throw new IllegalArgumentException(label + " has the sample size " + size + "; use 0 for all prompts or a"
                    + " positive count.");
        }
        Path path = file.toPath();
        PromptSource.Builder builder = PromptSource.builder().setPath(path).setPromptField(field);
        if (format != null && !format.isBlank()) {
            builder.optFormat(DataFormat.parse(format));
        }
        if (size > 0) {
            builder.optSample(size, seed);
        }
        return builder.build();
    }
}
