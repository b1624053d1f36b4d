package io.github.safetyspaces.core.activations;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The hidden states of a model to analyse: a band of depth fractions, an explicit list of
 * hidden-state indices, or all of them.
 *
 * <p>A model with L decoder layers has L + 1 hidden states, indexed as in Hugging Face's
 * {@code hidden_states}: 0 is the embedding output and {@code i} the output of decoder layer
 * {@code i - 1}. The depth of hidden state {@code i} is {@code i / L}, so the embedding has depth 0
 * and the last layer's output depth 1. A band {@code [from, to]} selects every index whose depth lies
 * in it, that is {@code ceil(from · L) <= i <= floor(to · L)}. For L = 32 the default band
 * [0.65, 0.90] selects indices 21 to 28, and for L = 5 only index 4.
 *
 * @param from lower end of the band, in [0, 1]; unused for a list
 * @param to upper end of the band, in [from, 1]; unused for a list
 * @param indices the explicit indices, ascending and distinct, or empty for a band or all
 * @param all whether every index from 0 to L is selected
 */
public record LayerSelection(double from, double to, List<Integer> indices, boolean all) {

    /** Default lower end of the band: 65% of depth. */
    public static final double DEFAULT_FROM = 0.65;

    /** Default upper end of the band: 90% of depth. */
    public static final double DEFAULT_TO = 0.90;

    /**
     * Slack in the band test: depth fractions such as 0.65 are not exact in binary, and 0.65 · 20 must
     * still select index 13.
     */
    private static final double BAND_SLACK = 1e-9;

    /** Checks the band and the indices. */
    public LayerSelection {
        Objects.requireNonNull(indices, "indices");
        if (!(from >= 0 && from <= to && to <= 1)) {
            throw new IllegalArgumentException("The layer band [" + from + ", " + to + "] must satisfy"
                    + " 0 <= from <= to <= 1; give fractions of depth such as 0.65 and 0.90.");
        }
        TreeSet<Integer> sorted = new TreeSet<>(indices);
        if (sorted.size() != indices.size()) {
            throw new IllegalArgumentException("The layer list " + indices + " repeats an index; list each once.");
        }
        for (int index : sorted) {
            if (index < 0) {
                throw new IllegalArgumentException("The layer list " + indices + " contains " + index
                        + "; hidden-state indices start at 0, the embedding output.");
            }
        }
        indices = List.copyOf(sorted);
    }

    /**
     * Selects the hidden states whose depth lies in a band.
     *
     * @param from lower end, in [0, 1]
     * @param to upper end, in [from, 1]
     * @return the selection
     */
    public static LayerSelection band(double from, double to) {
        return new LayerSelection(from, to, List.of(), false);
    }

    /** Returns the default band, from 65% to 90% of depth. */
    public static LayerSelection defaultBand() {
        return band(DEFAULT_FROM, DEFAULT_TO);
    }

    /**
     * Selects hidden-state indices explicitly.
     *
     * @param indices indices in [0, L], at least one
     * @return the selection
     */
    public static LayerSelection of(List<Integer> indices) {
        if (indices.isEmpty()) {
            throw new IllegalArgumentException("The layer list is empty; give at least one hidden-state index.");
        }
        return new LayerSelection(0, 1, indices, false);
    }

    /** Returns the selection of every hidden state, from the embedding output to the last layer's. */
    public static LayerSelection everyLayer() {
        return new LayerSelection(0, 1, List.of(), true);
    }

    /**
     * Parses a layer list: {@code all}, or comma-separated hidden-state indices such as {@code 4,8,12}.
     *
     * @param text the list
     * @return the selection
     * @throws IllegalArgumentException if an entry is not an integer
     */
    public static LayerSelection parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.trim().equalsIgnoreCase("all")) {
            return everyLayer();
        }
        List<Integer> indices = new ArrayList<>();
        for (String entry : text.split(",")) {
            try {
                indices.add(Integer.parseInt(entry.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid layer '" + entry.trim() + "' in the layer list '" + text
                        + "': give hidden-state indices separated by commas, or all.", e);
            }
        }
        return of(indices);
    }

    /**
     * Returns the selected hidden-state indices of a model.
     *
     * @param layerCount L, the number of decoder layers, at least 1
     * @return ascending indices in [0, L], at least one
     * @throws IllegalArgumentException if a listed index exceeds L, or the band selects no index
     */
    public List<Integer> resolve(int layerCount) {
        if (layerCount < 1) {
            throw new IllegalArgumentException("A model needs at least 1 layer, got " + layerCount + ".");
        }
        List<Integer> selected = new ArrayList<>();
        if (all) {
            for (int i = 0; i <= layerCount; i++) {
                selected.add(i);
            }
            return selected;
        }
        if (!indices.isEmpty()) {
            int largest = indices.get(indices.size() - 1);
            if (largest > layerCount) {
                throw new IllegalArgumentException("The layer list " + indices + " contains " + largest + ", but a"
                        + " model with " + layerCount + " layers has hidden-state indices 0 to " + layerCount + ".");
            }
            return indices;
        }
        for (int i = 0; i <= layerCount; i++) {
            double depth = (double) i / layerCount;
            if (depth >= from - BAND_SLACK && depth <= to + BAND_SLACK) {
                selected.add(i);
            }
        }
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("The layer band [" + from + ", " + to + "] selects no hidden state of"
                    + " a model with " + layerCount + " layers, whose depths are multiples of 1/" + layerCount
                    + "; widen the band or list the layers explicitly.");
        }
        return selected;
    }

    /**
     * Describes the selection for logs.
     *
     * @return for example {@code band [0.65, 0.9]} or {@code layers [4, 8]}
     */
    public String describe() {
        if (all) {
            return "all layers";
        }
        if (!indices.isEmpty()) {
            return "layers " + indices;
        }
        return "band [" + from + ", " + to + "]";
    }
}
