package io.github.safetyspaces.core.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One prompt of an evaluation set.
 *
 * @param id identifier, unique within its set: the id field's value when the set has one, else the
 *     row number as text
 * @param row the 1-based row number in the source file, as {@link io.github.safetyspaces.core.data.DataFormat}
 *     defines rows for each format
 * @param prompt the prompt text as the file has it, before any template; not blank
 * @param reference the reference answer, for example GSM8K's worked solution ending in {@code #### N}
 * @param metadata further fields of the row in the order they were requested, for example XSTest's
 *     {@code type} and {@code label}; a field that the row lacks, or has as JSON null, is an empty string
 */
public record EvalItem(String id, int row, String prompt, Optional<String> reference, Map<String, String> metadata) {

    /** Checks that the id and prompt are not blank and the row is positive, and copies the metadata. */
    public EvalItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(metadata, "metadata");
        if (id.isBlank()) {
            throw new IllegalArgumentException("The item at row " + row + " has a blank id; give every item an id.");
        }
        if (row < 1) {
            throw new IllegalArgumentException("Row numbers start at 1, got " + row + " for item " + id + ".");
        }
        if (prompt.isBlank()) {
            throw new IllegalArgumentException("Item " + id + " (row " + row + ") has a blank prompt.");
        }
        // A linked copy keeps the requested field order, which the per-sample output shows.
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * Returns one metadata value.
     *
     * @param field the field name
     * @return the value, or empty when the field was not read
     */
    public Optional<String> metadata(String field) {
        return Optional.ofNullable(metadata.get(field));
    }
}
