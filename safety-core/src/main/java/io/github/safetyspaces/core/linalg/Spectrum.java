package io.github.safetyspaces.core.linalg;

/**
 * Energy measures of a singular spectrum: the total energy, numerical rank and the energy rank k(η).
 *
 * <p>The energy of a matrix is the sum of its squared singular values, which equals its squared
 * Frobenius norm. Every sum here is accumulated in double, even for float32 singular values.
 */
public final class Spectrum {

    /** The unit roundoff of double, 2^-53. */
    private static final double UNIT_ROUNDOFF = 0x1p-53;

    private Spectrum() {
    }

    /**
     * Returns the total energy, the sum of squared singular values.
     *
     * @param singularValues non-negative values in descending order
     * @return the sum of squares, accumulated from the smallest value up
     */
    public static double totalEnergy(double[] singularValues) {
        requireSpectrum(singularValues);
        double total = 0;
        for (int i = singularValues.length - 1; i >= 0; i--) {
            total += singularValues[i] * singularValues[i];
        }
        return total;
    }

    /**
     * Returns the tolerance at or below which a singular value counts as zero, s_max · max(m, n) · ε, with ε the
     * machine epsilon of the precision that the SVD ran in. This is the convention of NumPy's
     * {@code matrix_rank} and MATLAB's {@code rank}: a backward-stable SVD returns the zero singular values of
     * a rank-deficient matrix as rounding noise of about that size.
     *
     * @param singularValues non-negative values in descending order
     * @param rows m of the decomposed matrix
     * @param columns n of the decomposed matrix
     * @param precision the precision of the SVD
     * @return the tolerance; 0 for an empty or all-zero spectrum
     */
    public static double rankTolerance(double[] singularValues, int rows, int columns, Precision precision) {
        requireSpectrum(singularValues);
        if (singularValues.length == 0) {
            return 0;
        }
        return singularValues[0] * Math.max(rows, columns) * precision.machineEpsilon();
    }

    /**
     * Returns the number of singular values above a tolerance.
     *
     * @param singularValues non-negative values in descending order
     * @param zeroTolerance values at or below it count as zero; 0 counts only exact zeros
     * @return the numerical rank
     */
    public static int numericalRank(double[] singularValues, double zeroTolerance) {
        requireSpectrum(singularValues);
        requireTolerance(zeroTolerance);
        int rank = 0;
        while (rank < singularValues.length && singularValues[rank] > zeroTolerance) {
            rank++;
        }
        return rank;
    }

    /**
     * Returns k(η) with only exact zeros excluded; see {@link #energyRank(double[], double, double)}.
     *
     * @param singularValues non-negative values in descending order
     * @param eta the energy fraction η, in (0, 1]
     * @return k in [0, number of nonzero values]
     */
    public static int energyRank(double[] singularValues, double eta) {
        return energyRank(singularValues, eta, 0);
    }

    /**
     * Returns k(η), the smallest k whose top-k squared singular values reach a fraction η of the total energy.
     *
     * <p>Values at or below {@code zeroTolerance} count as zero: they are left out of the total and can never
     * be counted, so k(1) is the numerical rank {@link #numericalRank}. A float32 SVD returns the zero
     * singular values of a rank-deficient matrix as noise of about 1e-7 · s_max, so pass
     * {@link #rankTolerance} (or use {@link Svd#energyRank}) to get rank-1 → k = 1 for every η.
     *
     * <p>Rounding: the test is Σ_{i>k} s_i² ≤ (1 − η) · total · (1 + δ), with the tail sums accumulated from
     * the smallest value up and δ = 4 (r + 2) 2^-53, which bounds the rounding of those sums and of 1 − η.
     * A tie within rounding therefore counts as reached: energies (9, 1) with η = 0.9 give k = 1, although
     * the double nearest to 0.9 is slightly above it. For η = 1 the bound is exactly 0, so k is the number
     * of values above the tolerance and never more.
     *
     * <p>Zero energy: when no value is above the tolerance (a zero matrix, or an update that did not
     * change the weight), k is 0 for every η. This method returns 0 instead of raising, because one
     * unchanged tensor should not stop a run over a whole checkpoint; callers must report such a tensor,
     * and {@link SubspaceOverlap} rejects an empty basis.
     *
     * @param singularValues non-negative values in descending order
     * @param eta the energy fraction η, in (0, 1]
     * @param zeroTolerance values at or below it count as zero; 0 counts only exact zeros
     * @return k in [0, numerical rank]
     */
    public static int energyRank(double[] singularValues, double eta, double zeroTolerance) {
        if (!(eta > 0 && eta <= 1)) {
            throw new IllegalArgumentException("The energy fraction eta must be in (0, 1], but it is " + eta
                    + "; use for example 0.9 for 90% of the energy.");
        }
        int rank = numericalRank(singularValues, zeroTolerance);
        if (rank == 0) {
            return 0;
        }

        // tail[k] = sum of s_i² for i >= k over the counted values, summed from the smallest up, so that
        // small tails are accurate and tail[rank] is exactly 0.
        double[] tail = new double[rank + 1];
        for (int i = rank - 1; i >= 0; i--) {
            tail[i] = tail[i + 1] + singularValues[i] * singularValues[i];
        }
        double total = tail[0];
        double slack = 4.0 * (rank + 2) * UNIT_ROUNDOFF;
        double allowedTail = (1 - eta) * total * (1 + slack);
        for (int k = 1; k < rank; k++) {
            if (tail[k] <= allowedTail) {
                return k;
            }
        }
        return rank;
    }

    /**
     * Checks that singular values are finite, non-negative and in descending order, as LAPACK returns them.
     */
    static void requireSpectrum(double[] singularValues) {
        for (int i = 0; i < singularValues.length; i++) {
            double value = singularValues[i];
            if (!Double.isFinite(value) || value < 0) {
                throw new IllegalArgumentException("Singular value " + i + " is " + value
                        + "; singular values must be finite and non-negative.");
            }
            if (i > 0 && value > singularValues[i - 1]) {
                throw new IllegalArgumentException("Singular values must be in descending order, but value " + i
                        + " (" + value + ") is larger than value " + (i - 1) + " (" + singularValues[i - 1]
                        + "); sort them in descending order first.");
            }
        }
    }

    private static void requireTolerance(double zeroTolerance) {
        if (!(zeroTolerance >= 0) || Double.isInfinite(zeroTolerance)) {
            throw new IllegalArgumentException("The zero tolerance must be finite and non-negative, but it is "
                    + zeroTolerance + ".");
        }
    }
}
