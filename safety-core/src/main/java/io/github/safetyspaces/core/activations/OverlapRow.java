package io.github.safetyspaces.core.activations;

import java.util.Objects;

/**
 * The overlap of two prompt sets' activation subspaces at one hidden state, for one energy
 * fraction: a row of the activations CSV.
 *
 * @param model the model's name
 * @param layer the hidden-state index (0 the embedding output, i the output of layer i - 1)
 * @param setX the first set's name
 * @param setY the second set's name
 * @param eta the energy fraction η
 * @param centred whether each set's mean state was subtracted before the SVD
 * @param kx k(η) of the first set
 * @param ky k(η) of the second set
 * @param dimension D, the hidden size
 * @param mso the Mode Subspace Overlap of the two subspaces, in [0, 1]; NaN when kx or ky is 0
 * @param randomBaseline max(kx, ky) / D, the expected MSO of random subspaces of those sizes; NaN when
 *     kx or ky is 0
 */
public record OverlapRow(String model, int layer, String setX, String setY, double eta, boolean centred, int kx,
        int ky, int dimension, double mso, double randomBaseline) {

    /** Checks the names. */
    public OverlapRow {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(setX, "setX");
        Objects.requireNonNull(setY, "setY");
    }

    /** Returns the pair's name as the CSV writes it: {@code setX-setY}, for example {@code useful-harmful}. */
    public String pair() {
        return setX + "-" + setY;
    }
}
