package io.github.safetyspaces.core.projection;

import io.github.safetyspaces.core.linalg.DenseMatrix;
import io.github.safetyspaces.core.linalg.Precision;
import io.github.safetyspaces.core.linalg.RandomBases;
import io.github.safetyspaces.core.linalg.Svd;
import java.util.Locale;

/**
 * Choice of the k-dimensional subspace of a tensor's reference update: the study's subject
 * ({@code top_k}) and two controls.
 */
public enum BasisChoice {
    /** The top-k left singular vectors of the reference update. */
    TOP_K,
    /** A uniformly random k-dimensional subspace: orthonormalized seeded Gaussian columns. */
    RANDOM,
    /** k of the reference update's singular vectors, chosen at random with a seed. */
    RANDOM_K;

    /**
     * Parses a choice name, ignoring case.
     *
     * @param name {@code top_k}, {@code random} or {@code random_k}
     * @return the choice
     */
    public static BasisChoice parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Invalid basis '" + name + "': use top_k, random or random_k.", e);
        }
    }

    /** Returns the name used in CSV files and settings. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Builds the basis of one tensor.
     *
     * @param reference SVD of the reference update, with left vectors; {@code k} must not exceed its
     *     numerical rank for {@link #TOP_K} and {@link #RANDOM_K}
     * @param k number of columns
     * @param seed seed of the random choices, already specific to the tensor
     * @return an m x k matrix with orthonormal columns
     */
    public DenseMatrix basis(Svd reference, int k, long seed) {
        return switch (this) {
            case TOP_K -> reference.u().leadingColumns(k);
            case RANDOM -> RandomBases.orthonormal(reference.rows(), k, seed, Precision.FLOAT32);
            case RANDOM_K -> reference.u().selectColumns(RandomBases.chooseColumns(reference.numericalRank(), k, seed));
        };
    }

    /**
     * Builds the basis of one tensor for several k at once: its first j columns span the subspace that
     * {@link #basis} gives for j and the same seed, for every j up to k (equal up to rounding and column
     * order). {@link #TOP_K} and {@link #RANDOM} return what {@link #basis} does; {@link #RANDOM_K} keeps
     * the chosen singular vectors in the order drawn instead of sorting them.
     *
     * @param reference SVD of the reference update, with left vectors
     * @param k the largest number of columns needed
     * @param seed seed of the random choices, already specific to the tensor
     * @return an m x k matrix with orthonormal columns, nested by prefix
     */
    public DenseMatrix nestedBasis(Svd reference, int k, long seed) {
        return this == RANDOM_K
                ? reference.u().selectColumns(RandomBases.shuffledColumns(reference.numericalRank(), k, seed))
                : basis(reference, k, seed);
    }
}
