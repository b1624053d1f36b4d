package io.github.safetyspaces.core.data;

import java.util.List;
import java.util.Objects;

/**
 * Tokenized fine-tuning examples with the counts of how they were made.
 *
 * @param examples the examples, in the order of the input list, without the dropped ones
 * @param stats counts of kept, truncated and dropped examples
 */
public record SftDataset(List<SftExample> examples, SftEncodingStats stats) {

    /** Checks that the example count matches the stats. */
    public SftDataset {
        examples = List.copyOf(examples);
        Objects.requireNonNull(stats, "stats");
        if (examples.size() != stats.kept()) {
            throw new IllegalArgumentException("The dataset has " + examples.size() + " examples but its stats count "
                    + stats.kept() + " kept.");
        }
    }
}
