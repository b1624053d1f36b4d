package io.github.safetyspaces.core.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One instruction-following example: an instruction, an optional input that the instruction refers
 * to, and the response a model should learn to give.
 *
 * @param instruction the task or question; may be empty only if the file has it empty
 * @param input context for the instruction, or an empty string when the example has none
 * @param response the response the model should learn to give
 * @param source the file the example was read from, for messages
 * @param row the 1-based row number in that file, as {@link DataFormat} defines rows for each format
 */
public record InstructionExample(String instruction, String input, String response, Path source, int row) {

    /** Checks that no component is null and that the row number is positive. */
    public InstructionExample {
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(source, "source");
        if (row < 1) {
            throw new IllegalArgumentException("Row numbers start at 1, got " + row + " for " + source + ".");
        }
    }

    /**
     * Returns whether the example has a non-empty input.
     *
     * @return true if {@link #input()} is not empty
     */
    public boolean hasInput() {
        return !input.isEmpty();
    }

    /**
     * Returns where the example came from, as "row N of FILE", for messages.
     *
     * @return the row number and file
     */
    public String origin() {
        return "row " + row + " of " + source;
    }
}
