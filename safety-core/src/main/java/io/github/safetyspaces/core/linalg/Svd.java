package io.github.safetyspaces.core.linalg;

import java.util.Arrays;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exact thin singular value decomposition A = U diag(s) Vᵀ of an m x n matrix, with r = min(m, n).
 *
 * <p>{@link #compute} calls LAPACK's divide-and-conquer {@code sgesdd} or {@code dgesdd} from OpenBLAS.
 * U and Vᵀ are row-major, like the input. Singular vectors are unique only up to sign (and up to a rotation
 * within a repeated singular value), so compare subspaces or reconstructions, not vectors.
 *
 * @param rows m
 * @param columns n
 * @param precision the precision of the LAPACK call, and of {@code u} and {@code vt}
 * @param vectors which singular vectors were computed
 * @param singularValues the r singular values, non-negative and in descending order
 * @param u U, m x r with orthonormal columns; null when {@code vectors} is {@link SvdVectors#NONE}
 * @param vt Vᵀ, r x n with orthonormal rows; null unless {@code vectors} is {@link SvdVectors#BOTH}
 */
public record Svd(int rows, int columns, Precision precision, SvdVectors vectors, double[] singularValues,
        DenseMatrix u, DenseMatrix vt) {

    private static final Logger LOG = LoggerFactory.getLogger(Svd.class);

    /** Checks that the values and vectors match the shape, the precision and {@code vectors}. */
    public Svd {
        int r = Math.min(rows, columns);
        if (rows < 1 || columns < 1) {
            throw new IllegalArgumentException("An SVD needs a matrix of at least 1 x 1, not " + rows + " x "
                    + columns + ".");
        }
        if (singularValues.length != r) {
            throw new IllegalArgumentException("A " + rows + " x " + columns + " matrix has " + r
                    + " singular values, but " + singularValues.length + " were given.");
        }
        Spectrum.requireSpectrum(singularValues);
        if ((u == null) != (vectors == SvdVectors.NONE)) {
            throw new IllegalArgumentException("U must be present exactly when vectors is LEFT or BOTH, but vectors is "
                    + vectors + " and U is " + (u == null ? "missing." : "present."));
        }
        if ((vt == null) != (vectors != SvdVectors.BOTH)) {
            throw new IllegalArgumentException("Vᵀ must be present exactly when vectors is BOTH, but vectors is "
                    + vectors + " and Vᵀ is " + (vt == null ? "missing." : "present."));
        }
        requireFactor("U", u, rows, r, precision);
        requireFactor("Vᵀ", vt, r, columns, precision);
        singularValues = singularValues.clone();
    }

    /**
     * Computes the thin SVD of a row-major m x n matrix with LAPACK {@code ?gesdd}.
     *
     * <p>Layout: LAPACK is column-major, and it is fastest when the matrix has at least as many rows as
     * columns, because it then starts with a QR step. Measured with OpenBLAS 0.3.31 on a 2-core Xeon in
     * float32: 2.6 s for 8192 x 2048 against 3.9 s for 2048 x 8192. For m ≤ n the row-major array already
     * is Aᵀ in column-major order (n x m, tall), whose SVD V diag(s) Uᵀ gives U and Vᵀ in row-major order
     * with no transposing. For m &gt; n the input is transposed while it is copied to native memory, and U and
     * Vᵀ while they are copied back.
     *
     * <p>Both vector options run jobz 'O', which computes U and V and overwrites the input copy with one of
     * them. With the optimal workspace that LAPACKE allocates, 'O' needs less memory than 'S' for non-square
     * matrices and takes the same time. Measured for 2048 x 8192 in float32: 84 MB of workspace for 'O',
     * against 67 MB of workspace plus a 67 MB output array for 'S'.
     *
     * <p>Memory, with r = min(m, n) and 4 bytes per value in float32, 8 in float64:
     * <ul>
     *   <li>Native, freed before return: a copy of the input (m n values), an r x r buffer and the LAPACK
     *       workspace. The workspace, measured with OpenBLAS 0.3.31 in float32, is 84 MB for 2048 x 8192 and
     *       8192 x 2048, 67 MB for 2048 x 2048, and under 1 MB for values only. A 2048 x 8192 float32 matrix
     *       thus needs about 170 MB: 67 MB input copy, 17 MB r x r buffer and 84 MB workspace.</li>
     *   <li>Java heap, returned: U (m r values) and, for {@link SvdVectors#BOTH}, Vᵀ (r n values).</li>
     * </ul>
     * The input array is neither changed nor copied on the Java heap. A float32 input with float64
     * precision is widened while it is copied.
     *
     * <p>NOTE: LAPACK here counts with 32-bit integers, and the 'O' workspace grows to about m n + r²
     * values, so a matrix close to the Java array limit of 2^31 values may exceed it. No such size has been
     * run.
     *
     * @param matrix the m x n input; NaN and infinities are rejected
     * @param precision float32 ({@code sgesdd}) or float64 ({@code dgesdd}); the values are returned as
     *     double either way
     * @param vectors which singular vectors to return
     * @return the decomposition
     * @throws IllegalArgumentException if the matrix contains NaN or an infinity
     * @throws LapackException if LAPACK does not converge or rejects the call
     */
    public static Svd compute(DenseMatrix matrix, Precision precision, SvdVectors vectors) {
        MatrixChecks.requireFinite(matrix, "SVD input");
        int m = matrix.rows();
        int n = matrix.columns();
        int r = Math.min(m, n);
        boolean transpose = m > n;
        // LAPACK decomposes a column-major lapackRows x r matrix, with lapackRows >= r.
        int lapackRows = Math.max(m, n);
        char jobz = vectors == SvdVectors.NONE ? 'N' : 'O';
        String shape = m + " x " + n;
        long started = System.nanoTime();

        try (NativeBuffer a = NativeBuffer.allocate(precision, (long) m * n);
                NativeBuffer s = NativeBuffer.allocate(precision, r);
                NativeBuffer u = NativeBuffer.allocate(precision, 1);
                NativeBuffer vt = NativeBuffer.allocate(precision, jobz == 'N' ? 1 : (long) r * r)) {
            a.write(matrix, n, transpose);

            // jobz 'O' with lapackRows >= r: LAPACK's U (lapackRows x r) overwrites a, its Vᵀ (r x r)
            // goes to vt, and its u argument is not referenced.
            Lapack.gesdd(jobz, lapackRows, r, a, lapackRows, s, u, 1, vt, jobz == 'N' ? 1 : r, shape);
            double[] values = s.readDoubles(r);

            DenseMatrix left = null;
            DenseMatrix rightTransposed = null;
            if (vectors != SvdVectors.NONE) {
                if (transpose) {
                    // LAPACK decomposed A itself: a contains U column-major (m x r), vt contains Vᵀ column-major
                    // (r x n).
                    left = a.read(m, r, true);
                    rightTransposed = vectors == SvdVectors.BOTH ? vt.read(r, n, true) : null;
                } else {
                    // LAPACK decomposed Aᵀ = V diag(s) Uᵀ: a contains V column-major (n x r), which is Vᵀ
                    // row-major, and vt contains Uᵀ column-major (r x m), which is U row-major.
                    left = vt.read(m, r, false);
                    rightTransposed = vectors == SvdVectors.BOTH ? a.read(r, n, false) : null;
                }
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} of a {} matrix (vectors {}) took {} ms", precision.routine("gesdd"), shape, vectors,
                        (System.nanoTime() - started) / 1_000_000);
            }
            return new Svd(m, n, precision, vectors, values, left, rightTransposed);
        }
    }

    /**
     * Computes singular values and left singular vectors in float32, the default for weight updates.
     *
     * @param matrix the m x n input
     * @return the decomposition with U and without Vᵀ
     */
    public static Svd compute(DenseMatrix matrix) {
        return compute(matrix, Precision.FLOAT32, SvdVectors.LEFT);
    }

    /** Returns r = min(m, n), the number of singular values. */
    public int singularValueCount() {
        return singularValues.length;
    }

    /** Returns a copy of the r singular values, in descending order. */
    @Override
    public double[] singularValues() {
        return singularValues.clone();
    }

    /**
     * Returns U, the m x r row-major matrix of left singular vectors (one per column).
     *
     * @throws IllegalStateException if the SVD was computed with {@link SvdVectors#NONE}
     */
    @Override
    public DenseMatrix u() {
        if (u == null) {
            throw new IllegalStateException("This SVD of a " + rows + " x " + columns
                    + " matrix has no left singular vectors; compute it with SvdVectors.LEFT or BOTH.");
        }
        return u;
    }

    /**
     * Returns Vᵀ, the r x n row-major matrix whose rows are the right singular vectors.
     *
     * @throws IllegalStateException unless the SVD was computed with {@link SvdVectors#BOTH}
     */
    @Override
    public DenseMatrix vt() {
        if (vt == null) {
            throw new IllegalStateException("This SVD of a " + rows + " x " + columns
                    + " matrix has no right singular vectors; compute it with SvdVectors.BOTH.");
        }
        return vt;
    }

    /** Returns the total energy, the sum of squared singular values (the squared Frobenius norm of A). */
    public double totalEnergy() {
        return Spectrum.totalEnergy(singularValues);
    }

    /**
     * Returns the tolerance at or below which a singular value counts as zero:
     * s_max · max(m, n) · machine epsilon of the precision, the convention of NumPy's {@code matrix_rank}
     * and MATLAB's {@code rank}.
     */
    public double rankTolerance() {
        return Spectrum.rankTolerance(singularValues, rows, columns, precision);
    }

    /** Returns the numerical rank, the number of singular values above {@link #rankTolerance()}. */
    public int numericalRank() {
        return Spectrum.numericalRank(singularValues, rankTolerance());
    }

    /**
     * Returns k(η), the smallest k whose top-k squared singular values reach a fraction η of the energy,
     * with values up to {@link #rankTolerance()} counted as zero, so that k(1) equals
     * {@link #numericalRank()}. See {@link Spectrum#energyRank(double[], double, double)}.
     *
     * @param eta the energy fraction η, in (0, 1]
     * @return k in [0, r]; 0 only for a matrix whose singular values are all within the tolerance of zero
     */
    public int energyRank(double eta) {
        return Spectrum.energyRank(singularValues, eta, rankTolerance());
    }

    private static void requireFactor(String name, DenseMatrix factor, int rows, int columns, Precision precision) {
        if (factor == null) {
            return;
        }
        if (factor.rows() != rows || factor.columns() != columns) {
            throw new IllegalArgumentException(name + " must be " + rows + " x " + columns + ", but it is "
                    + factor.rows() + " x " + factor.columns() + ".");
        }
        if (factor.precision() != precision) {
            throw new IllegalArgumentException(name + " is " + factor.precision() + " but the SVD precision is "
                    + precision + ".");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Svd svd
                && rows == svd.rows
                && columns == svd.columns
                && precision == svd.precision
                && vectors == svd.vectors
                && Arrays.equals(singularValues, svd.singularValues)
                && Objects.equals(u, svd.u)
                && Objects.equals(vt, svd.vt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rows, columns, precision, vectors, Arrays.hashCode(singularValues), u, vt);
    }

    @Override
    public String toString() {
        return "Svd[" + rows + " x " + columns + ", " + precision + ", vectors " + vectors + "]";
    }
}
