package io.github.safetyspaces.core.model;

import io.github.safetyspaces.core.linalg.FloatMatrix;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Residual-stream states at the last real token of each prompt, for some hidden-state indices.
 *
 * <p>Indices follow Hugging Face's {@code output_hidden_states}: 0 is the embedding output, index
 * {@code i} in [1, L] the output of decoder layer {@code i - 1}, with L the number of layers. Index L
 * is taken after the final norm, as transformers returns it; every other index is the raw residual
 * stream.
 *
 * @param promptCount N, the number of prompts, at least 1
 * @param hiddenSize D, the model's hidden size
 * @param states per hidden-state index, an N x D float32 matrix whose row {@code n} belongs to prompt
 *     {@code n} of the input
 */
public record LastTokenStates(int promptCount, int hiddenSize, SortedMap<Integer, FloatMatrix> states) {

    /** Checks that every matrix is N x D. */
    public LastTokenStates {
        Objects.requireNonNull(states, "states");
        if (promptCount < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException("Captured states need N >= 1 prompts and D >= 1, got N = "
                    + promptCount + " and D = " + hiddenSize + ".");
        }
        for (Map.Entry<Integer, FloatMatrix> entry : states.entrySet()) {
            FloatMatrix matrix = entry.getValue();
            if (matrix.rows() != promptCount || matrix.columns() != hiddenSize) {
                throw new IllegalArgumentException("The states of hidden-state index " + entry.getKey() + " are "
                        + matrix.rows() + " x " + matrix.columns() + " but must be N x D = " + promptCount + " x "
                        + hiddenSize + ".");
            }
        }
        states = Collections.unmodifiableSortedMap(new TreeMap<>(states));
    }

    /** Returns the captured hidden-state indices in ascending order. */
    public List<Integer> indices() {
        return new ArrayList<>(states.keySet());
    }

    /**
     * Returns the states of one hidden-state index.
     *
     * @param index a captured index
     * @return the N x D matrix, one row per prompt; the caller must not change its array
     * @throws IllegalArgumentException if the index was not captured
     */
    public FloatMatrix states(int index) {
        FloatMatrix matrix = states.get(index);
        if (matrix == null) {
            throw new IllegalArgumentException("Hidden-state index " + index + " was not captured; the captured"
                    + " indices are " + states.keySet() + ".");
        }
        return matrix;
    }
}
