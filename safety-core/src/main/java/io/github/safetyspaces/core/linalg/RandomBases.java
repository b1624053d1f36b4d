package io.github.safetyspaces.core.linalg;

import java.util.Arrays;
import java.util.Random;

/**
 * Seeded random subspaces for the control conditions: a uniformly random k-dimensional subspace of R^d,
 * and a random choice of k of r singular vectors.
 *
 * <p>Reproducibility: random numbers come from {@code new Random(mix(seed))}, with {@code mix} the
 * SplitMix64 finalizer (so that nearby seeds give unrelated streams) and {@link java.util.Random}, whose
 * {@code nextGaussian} and {@code nextInt(bound)} algorithms the Java SE specification fixes. A seed
 * therefore gives the same result on every JVM. No global random state is used.
 */
public final class RandomBases {

    private RandomBases() {
    }

    /**
     * Returns a uniformly distributed random orthonormal d x k basis, row-major.
     *
     * <p>Method: a d x k Gaussian matrix G, filled one column after another from
     * {@code nextGaussian()} of the seeded generator, is factored G = Q R, and the columns of Q are negated where
     * needed so that R has a positive diagonal. With that sign rule Q is uniformly (Haar) distributed over
     * all d x k matrices with orthonormal columns, so its span is a uniformly random k-dimensional subspace.
     * The top-k left singular vectors of a Gaussian matrix span a subspace of the same distribution, at a
     * higher cost.
     *
     * <p>Nesting: column j of G does not depend on k, and the first j columns of Q span the first j
     * columns of G, so the first j columns of a basis drawn with k columns span the same subspace as a
     * basis drawn with j columns and the same seed (equal up to rounding). A projection sweep
     * therefore orthonormalizes once, at its largest k, and uses prefixes for the smaller ones.
     *
     * <p>The QR factorization runs in LAPACK as the LQ factorization Gᵀ = L Qᵀ ({@code ?gelqf} and
     * {@code ?orglq}), because the row-major G is Gᵀ in LAPACK's column-major order; then R = Lᵀ, and Qᵀ
     * in column-major order is Q in row-major order, so nothing is transposed. Memory: G and the result
     * on the Java heap, and one native copy, d k values each.
     *
     * @param dimension d, at least 1
     * @param count k, in [1, d]
     * @param seed the seed of the Gaussian draws
     * @param precision of the factorization and of the result
     * @return a d x k matrix with orthonormal columns
     */
    public static DenseMatrix orthonormal(int dimension, int count, long seed, Precision precision) {
        if (dimension < 1 || count < 1 || count > dimension) {
            throw new IllegalArgumentException("A random basis needs 1 <= k <= d, but k = " + count + " and d = "
                    + dimension + ".");
        }
        int size = Math.multiplyExact(dimension, count);
        String shape = dimension + " x " + count;

        // G (d x k, row-major), drawn column by column in double, rounded to float32 for a float32 basis.
        Random random = Seeds.random(seed);
        DenseMatrix gaussian;
        if (precision == Precision.FLOAT32) {
            float[] values = new float[size];
            for (int j = 0; j < count; j++) {
                for (int i = 0; i < dimension; i++) {
                    values[i * count + j] = (float) random.nextGaussian();
                }
            }
            gaussian = new FloatMatrix(dimension, count, values);
        } else {
            double[] values = new double[size];
            for (int j = 0; j < count; j++) {
                for (int i = 0; i < dimension; i++) {
                    values[i * count + j] = random.nextGaussian();
                }
            }
            gaussian = new DoubleMatrix(dimension, count, values);
        }

        try (NativeBuffer a = NativeBuffer.allocate(precision, size);
                NativeBuffer tau = NativeBuffer.allocate(precision, count)) {
            // The native copy of row-major G is Gᵀ column-major (k x d, leading dimension k).
            a.write(gaussian, count, false);
            gaussian = null; // only the native copy is needed from here on
            Lapack.gelqf(count, dimension, a, count, tau, shape);

            // L is in the lower triangle of a: L[j][j] at j + j * k. R = Lᵀ has the same diagonal.
            boolean[] negate = new boolean[count];
            for (int j = 0; j < count; j++) {
                negate[j] = a.get((long) j * count + j) < 0;
            }

            Lapack.orglq(count, dimension, count, a, count, tau, shape);
            DenseMatrix basis = a.read(dimension, count, false);
            negateColumns(basis, negate);
            return basis;
        }
    }

    /**
     * Returns a uniformly random orthonormal d x k basis in float32; see
     * {@link #orthonormal(int, int, long, Precision)}.
     */
    public static DenseMatrix orthonormal(int dimension, int count, long seed) {
        return orthonormal(dimension, count, seed, Precision.FLOAT32);
    }

    /**
     * Chooses k distinct column indices out of r uniformly at random, for example which singular vectors
     * the {@code random_k} control keeps.
     *
     * <p>Method: the indices of {@link #shuffledColumns}, sorted, so the columns keep their order by
     * singular value.
     *
     * @param available r, the number of columns to choose from, at least 1
     * @param count k, in [1, r]
     * @param seed the seed of the choice
     * @return k distinct indices in [0, r), ascending
     */
    public static int[] chooseColumns(int available, int count, long seed) {
        int[] chosen = shuffledColumns(available, count, seed);
        Arrays.sort(chosen);
        return chosen;
    }

    /**
     * Chooses k distinct column indices out of r uniformly at random, in the order drawn.
     *
     * <p>Method: the first k steps of a Fisher-Yates shuffle of 0..r-1 with {@code nextInt(bound)} of
     * the seeded generator. Step i fixes position i for good, so the first j indices drawn with k are
     * the indices drawn with j and the same seed: the choices for increasing k are nested.
     *
     * @param available r, the number of columns to choose from, at least 1
     * @param count k, in [1, r]
     * @param seed the seed of the choice
     * @return k distinct indices in [0, r), in the order drawn
     */
    public static int[] shuffledColumns(int available, int count, long seed) {
        if (available < 1 || count < 1 || count > available) {
            throw new IllegalArgumentException("Cannot choose " + count + " of " + available
                    + " columns; use 1 <= k <= r.");
        }
        int[] order = new int[available];
        for (int i = 0; i < available; i++) {
            order[i] = i;
        }
        Random random = Seeds.random(seed);
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(available - i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return Arrays.copyOf(order, count);
    }

    private static void negateColumns(DenseMatrix basis, boolean[] negate) {
        int columns = basis.columns();
        if (basis instanceof FloatMatrix floats) {
            float[] data = floats.data();
            for (int i = 0; i < data.length; i++) {
                if (negate[i % columns]) {
                    data[i] = -data[i];
                }
            }
        } else {
            double[] data = ((DoubleMatrix) basis).data();
            for (int i = 0; i < data.length; i++) {
                if (negate[i % columns]) {
                    data[i] = -data[i];
                }
            }
        }
    }
}
