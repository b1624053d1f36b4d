package io.github.safetyspaces.core.updatespaces;

import java.util.Locale;

/** The extent of one compared matrix: a single weight tensor, or the tensors of one decoder layer. */
public enum Granularity {

    /** Each weight tensor on its own; a 1-D tensor of length n is an n x 1 matrix. */
    TENSOR,

    /**
     * The tensors of one decoder layer that share a column count, stacked along rows; see
     * {@link MatrixGroups#partition}.
     */
    LAYER;

    /**
     * Parses a granularity name, ignoring case and surrounding spaces.
     *
     * @param name {@code tensor} or {@code layer}
     * @return the granularity
     * @throws IllegalArgumentException naming the value when it is neither
     */
    public static Granularity parse(String name) {
        for (Granularity granularity : values()) {
            if (name != null && granularity.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return granularity;
            }
        }
        throw new IllegalArgumentException("Invalid granularity '" + name + "': use tensor or layer.");
    }

    /** Returns the name used in CSV files and settings. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
