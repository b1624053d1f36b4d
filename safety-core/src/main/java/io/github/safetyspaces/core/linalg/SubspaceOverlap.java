package io.github.safetyspaces.core.linalg;

import java.util.Random;

/**
 * Mode Subspace Overlap (MSO) of two subspaces of R^d and its baseline for random subspaces.
 *
 * <p>For bases Qx (d x kx) and Qy (d x ky) with orthonormal columns, MSO = ‖Qxᵀ Qy‖²_F / min(kx, ky). It is
 * 1 when the smaller subspace lies inside the larger one and 0 when the subspaces are orthogonal.
 *
 * <p>Random baseline: ‖Qxᵀ Qy‖²_F = tr(Px Py) for the projections Px = Qx Qxᵀ and Py = Qy Qyᵀ. When Qx spans
 * a uniformly random subspace independent of Qy, rotation invariance gives E[Px] = (kx / d) I, so
 * E‖Qxᵀ Qy‖²_F = kx · ky / d exactly, for all sizes. Dividing by min(kx, ky) gives the expected MSO
 * max(kx, ky) / d.
 */
public final class SubspaceOverlap {

    /**
     * How far above 1 a computed MSO may lie and still be clamped to 1. Rounding in float32 bases lifts
     * MSO(Q, Q) slightly above 1: measured before clamping, 3e-7 for the U of a 2048 x 2048 float32 SVD and
     * 1e-7 for an 8192 x 512 random basis. A value beyond this much larger limit means that the columns
     * were not orthonormal.
     */
    static final double CLAMP_LIMIT = 1e-3;

    private SubspaceOverlap() {
    }

    /**
     * Computes the MSO of the subspaces spanned by the first kx columns of {@code x} and the first ky columns
     * of {@code y}.
     *
     * <p>Qxᵀ Qy is computed with BLAS {@code ?gemm}: in float32 when both bases are float32 (then the
     * kx x ky products carry float32 rounding, but the sum of their squares is taken in double), otherwise in
     * float64 with float32 bases widened. Memory: native copies of the kx and ky columns used, and a kx x ky
     * product. A result within {@link #CLAMP_LIMIT} above 1 is rounding and is clamped to 1.
     *
     * @param x a d x rx row-major matrix whose first kx columns are orthonormal
     * @param kx the number of leading columns of x to use, in [1, rx]
     * @param y a d x ry row-major matrix whose first ky columns are orthonormal
     * @param ky the number of leading columns of y to use, in [1, ry]
     * @return the MSO in [0, 1]
     * @throws IllegalArgumentException if the row counts differ, a count is out of range, a basis has NaN or
     *     infinite values, or the result exceeds 1 by more than {@link #CLAMP_LIMIT}
     */
    public static double modeSubspaceOverlap(DenseMatrix x, int kx, DenseMatrix y, int ky) {
        int dimension = x.rows();
        if (y.rows() != dimension) {
            throw new IllegalArgumentException("Both bases must live in the same space, but x has " + dimension
                    + " rows and y has " + y.rows() + "; compare matrices of the same output dimension.");
        }
        requireCount("kx", kx, x.columns());
        requireCount("ky", ky, y.columns());
        MatrixChecks.requireFinite(x, "basis x");
        MatrixChecks.requireFinite(y, "basis y");

        Precision precision = x.precision() == Precision.FLOAT32 && y.precision() == Precision.FLOAT32
                ? Precision.FLOAT32
                : Precision.FLOAT64;
        double sumOfSquares;
        try (NativeBuffer a = NativeBuffer.allocate(precision, (long) dimension * kx);
                NativeBuffer b = NativeBuffer.allocate(precision, (long) dimension * ky);
                NativeBuffer c = NativeBuffer.allocate(precision, (long) kx * ky)) {
            // Row-major d x k copies are Qxᵀ (kx x d) and Qyᵀ (ky x d) in column-major order, so
            // Qxᵀ Qy = (Qxᵀ)(Qyᵀ)ᵀ is one gemm with the second operand transposed.
            a.write(x, kx, false);
            b.write(y, ky, false);
            Lapack.gemmTransposeB(kx, ky, dimension, a, b, c);
            sumOfSquares = c.sumOfSquares((long) kx * ky);
        }

        double overlap = sumOfSquares / Math.min(kx, ky);
        if (overlap > 1 + CLAMP_LIMIT) {
            throw new IllegalArgumentException("The MSO came out as " + overlap + ", above 1 by more than rounding"
                    + " allows; the columns of the bases are not orthonormal, so pass singular vectors or"
                    + " RandomBases output.");
        }
        return Math.min(overlap, 1.0);
    }

    /**
     * Computes the MSO of the subspaces spanned by all columns of two bases.
     *
     * @param x a d x kx row-major matrix with orthonormal columns
     * @param y a d x ky row-major matrix with orthonormal columns
     * @return the MSO in [0, 1]
     */
    public static double modeSubspaceOverlap(DenseMatrix x, DenseMatrix y) {
        return modeSubspaceOverlap(x, x.columns(), y, y.columns());
    }

    /**
     * Computes the MSO of the top-kx left singular vectors of one SVD and the top-ky of another, for
     * example with kx and ky from {@link Svd#energyRank}.
     *
     * @param x an SVD with left singular vectors, of an m x nx matrix
     * @param kx the number of left singular vectors of x, in [1, r of x]
     * @param y an SVD with left singular vectors, of an m x ny matrix (the same m)
     * @param ky the number of left singular vectors of y, in [1, r of y]
     * @return the MSO in [0, 1]
     * @throws IllegalArgumentException if kx or ky is 0, which {@link Svd#energyRank} returns for a matrix
     *     with no energy (for example an unchanged weight), where MSO is undefined
     */
    public static double modeSubspaceOverlap(Svd x, int kx, Svd y, int ky) {
        return modeSubspaceOverlap(x.u(), kx, y.u(), ky);
    }

    /**
     * Returns the expected MSO of independent uniformly random subspaces of dimensions kx and ky in R^d,
     * max(kx, ky) / d.
     *
     * @param dimension d
     * @param kx in [1, d]
     * @param ky in [1, d]
     * @return the baseline in (0, 1]
     */
    public static double randomBaseline(int dimension, int kx, int ky) {
        requireSizes(dimension, kx, ky);
        return (double) Math.max(kx, ky) / dimension;
    }

    /**
     * Estimates the MSO of independent random subspaces by sampling, as a check of
     * {@link #randomBaseline}.
     *
     * <p>Each trial draws Qx and Qy with {@link RandomBases#orthonormal(int, int, long, Precision)} (QR of
     * a Gaussian matrix, in LAPACK) and computes their MSO. Trial t (from 0) seeds its two bases with
     * values 2t and 2t + 1 of {@code nextLong()} of a generator seeded as in {@link RandomBases}, so the
     * result depends only on the arguments. Cost per trial: QR of
     * d x kx and d x ky matrices and one kx x ky x d gemm.
     *
     * @param dimension d
     * @param kx in [1, d]
     * @param ky in [1, d]
     * @param trials at least 2
     * @param seed the seed of all draws
     * @param precision of the random bases and of the MSO
     * @return the sample mean and standard deviation
     */
    public static SampledBaseline sampledBaseline(int dimension, int kx, int ky, int trials, long seed,
            Precision precision) {
        requireSizes(dimension, kx, ky);
        if (trials < 2) {
            throw new IllegalArgumentException("A sampled baseline needs at least 2 trials, but trials = " + trials
                    + ".");
        }
        Random seeds = Seeds.random(seed);
        // Welford's update: a numerically stable running mean and sum of squared deviations.
        double mean = 0;
        double squaredDeviations = 0;
        for (int t = 0; t < trials; t++) {
            DenseMatrix x = RandomBases.orthonormal(dimension, kx, seeds.nextLong(), precision);
            DenseMatrix y = RandomBases.orthonormal(dimension, ky, seeds.nextLong(), precision);
            double overlap = modeSubspaceOverlap(x, y);
            double delta = overlap - mean;
            mean += delta / (t + 1);
            squaredDeviations += delta * (overlap - mean);
        }
        return new SampledBaseline(dimension, kx, ky, trials, mean, Math.sqrt(squaredDeviations / (trials - 1)));
    }

    /** Checks 1 <= kx, ky <= d. */
    static void requireSizes(int dimension, int kx, int ky) {
        if (dimension < 1 || kx < 1 || ky < 1 || kx > dimension || ky > dimension) {
            throw new IllegalArgumentException("Subspace sizes must satisfy 1 <= kx, ky <= d, but kx = " + kx
                    + ", ky = " + ky + " and d = " + dimension + ".");
        }
    }

    private static void requireCount(String name, int count, int columns) {
        if (count < 1) {
            throw new IllegalArgumentException(name + " = " + count + " columns; MSO needs at least one column per"
                    + " basis. An energy rank of 0 means the matrix has no energy (for example an unchanged"
                    + " weight): report it instead of comparing it.");
        }
        if (count > columns) {
            throw new IllegalArgumentException(name + " = " + count + " exceeds the " + columns
                    + " columns of the basis; use at most " + columns + ".");
        }
    }
}
