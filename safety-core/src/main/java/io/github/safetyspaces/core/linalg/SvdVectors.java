package io.github.safetyspaces.core.linalg;

/** Choice of the singular vectors that {@link Svd#compute} returns besides the singular values. */
public enum SvdVectors {

    /** Singular values only (LAPACK jobz 'N'): about half the time of the other options, little workspace. */
    NONE,

    /** The left singular vectors U as well, m x r. */
    LEFT,

    /** U and the transposed right singular vectors Vᵀ, r x n. */
    BOTH
}
