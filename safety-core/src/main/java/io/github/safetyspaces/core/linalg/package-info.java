/**
 * Exact singular value decompositions and subspace overlap for the weight-update and activation
 * analyses: {@link io.github.safetyspaces.core.linalg.Svd} (LAPACK {@code gesdd} from OpenBLAS through
 * JavaCPP), energy ranks k(η) of a spectrum ({@link io.github.safetyspaces.core.linalg.Spectrum}), Mode
 * Subspace Overlap with its random baselines ({@link io.github.safetyspaces.core.linalg.SubspaceOverlap})
 * and seeded random subspaces ({@link io.github.safetyspaces.core.linalg.RandomBases}).
 *
 * <p>Layout: every matrix in the public API is row-major, as safetensors stores weights. An m x n matrix
 * has m rows and n columns, and element (i, j) is at index {@code i * n + j}. A basis of a k-dimensional
 * subspace of R^d is a d x k matrix whose columns are orthonormal. LAPACK works in column-major order,
 * and the package converts at the native boundary, as each method's documentation states.
 *
 * <p>Dimension letters: m, n rows and columns of a decomposed matrix; r = min(m, n); d the dimension of
 * the space that bases live in; k, kx, ky numbers of basis columns.
 */
package io.github.safetyspaces.core.linalg;
