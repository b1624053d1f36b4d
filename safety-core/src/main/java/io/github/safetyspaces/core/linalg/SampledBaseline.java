package io.github.safetyspaces.core.linalg;

/**
 * The Mode Subspace Overlap of independent random subspaces, estimated by sampling.
 *
 * @param dimension d, the dimension of the space
 * @param kx the dimension of the first subspace
 * @param ky the dimension of the second subspace
 * @param trials the number of sampled pairs, at least 2
 * @param mean the sample mean of the MSO, in [0, 1]
 * @param standardDeviation the sample standard deviation of the MSO (divisor trials - 1), at least 0
 */
public record SampledBaseline(int dimension, int kx, int ky, int trials, double mean, double standardDeviation) {

    /** Checks the sizes and that the statistics are in range. */
    public SampledBaseline {
        SubspaceOverlap.requireSizes(dimension, kx, ky);
        if (trials < 2) {
            throw new IllegalArgumentException("A sampled baseline needs at least 2 trials for a standard deviation,"
                    + " but trials = " + trials + ".");
        }
        if (!(mean >= 0 && mean <= 1)) {
            throw new IllegalArgumentException("The mean MSO must be in [0, 1], but it is " + mean + ".");
        }
        if (!(standardDeviation >= 0) || Double.isInfinite(standardDeviation)) {
            throw new IllegalArgumentException("The standard deviation must be finite and non-negative, but it is "
                    + standardDeviation + ".");
        }
    }

    /** Returns the standard error of the mean, standardDeviation / sqrt(trials). */
    public double standardError() {
        return standardDeviation / Math.sqrt(trials);
    }

    /** Returns the closed-form expectation max(kx, ky) / d, which the mean estimates. */
    public double expected() {
        return SubspaceOverlap.randomBaseline(dimension, kx, ky);
    }
}
