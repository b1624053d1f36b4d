package io.github.safetyspaces.core.activations;

import io.github.safetyspaces.core.linalg.FloatMatrix;
import io.github.safetyspaces.core.linalg.Precision;
import io.github.safetyspaces.core.linalg.Svd;
import io.github.safetyspaces.core.linalg.SvdVectors;
import java.util.Objects;

/**
 * The principal directions of one prompt set's activations at one hidden state: the left singular
 * vectors of Aᵀ, where A is the N x D matrix with one prompt's state per row. They span the set's
 * subspace of R^D, the residual stream. The energy rank k(η) is the number of them that carry a
 * fraction η of the energy.
 *
 * <p>The SVD is exact and complete (LAPACK {@code sgesdd}, float32, all min(N, D) singular values),
 * so k(η) comes from the full spectrum, never from a truncated or randomized one.
 *
 * @param name the set's name
 * @param centred whether the set's mean state was subtracted from every row before the SVD
 * @param svd the SVD of the D x N matrix Aᵀ (centred when {@code centred}), with left vectors
 */
public record SetSubspace(String name, boolean centred, Svd svd) {

    /** Checks that the SVD has left singular vectors. */
    public SetSubspace {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(svd, "svd");
        if (svd.vectors() == SvdVectors.NONE) {
            throw new IllegalArgumentException("The SVD of set '" + name + "' has no left singular vectors; compute"
                    + " it with SvdVectors.LEFT.");
        }
    }

    /**
     * Decomposes one set's activations.
     *
     * @param name the set's name, for messages
     * @param activations the N x D states, one prompt per row
     * @param centre whether to subtract the mean of the N rows first; the mean is summed in double
     * @return the subspace
     */
    public static SetSubspace of(String name, FloatMatrix activations, boolean centre) {
        int prompts = activations.rows();
        int dimension = activations.columns();
        float[] data = activations.data();

        // Mean state over the prompts, (D).
        double[] mean = new double[dimension];
        if (centre) {
            for (int n = 0; n < prompts; n++) {
                for (int d = 0; d < dimension; d++) {
                    mean[d] += data[n * dimension + d];
                }
            }
            for (int d = 0; d < dimension; d++) {
                mean[d] /= prompts;
            }
        }

        // Aᵀ, (D, N): the subspace must live in R^D, the space of the states.
        float[] transposed = new float[data.length];
        for (int n = 0; n < prompts; n++) {
            for (int d = 0; d < dimension; d++) {
                transposed[d * prompts + n] = (float) (data[n * dimension + d] - mean[d]);
            }
        }
        Svd svd = Svd.compute(new FloatMatrix(dimension, prompts, transposed), Precision.FLOAT32, SvdVectors.LEFT);
        return new SetSubspace(name, centre, svd);
    }

    /** Returns D, the dimension of the space the subspace lives in. */
    public int dimension() {
        return svd.rows();
    }

    /** Returns N, the number of prompts. */
    public int promptCount() {
        return svd.columns();
    }

    /**
     * Returns k(η), the number of leading directions that carry a fraction η of the energy; see
     * {@link Svd#energyRank(double)}.
     *
     * @param eta the energy fraction, in (0, 1]
     * @return k in [0, min(N, D)]; 0 only when the activations have no energy (see {@link #hasEnergy()})
     */
    public int energyRank(double eta) {
        return svd.energyRank(eta);
    }

    /**
     * Returns whether the activations span a subspace at all. They span none when they are all zero,
     * or, centred, when every prompt has the same state. That happens with a single prompt, and at
     * the embedding output (index 0) when every prompt ends in the same token.
     *
     * @return false when every singular value is within the rank tolerance of zero
     */
    public boolean hasEnergy() {
        return svd.numericalRank() > 0;
    }
}
