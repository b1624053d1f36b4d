package io.github.safetyspaces.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RandomBasesTest {

    @ParameterizedTest
    @EnumSource(Precision.class)
    void columnsAreOrthonormal(Precision precision) {
        for (int[] size : new int[][] {{30, 7}, {12, 12}, {9, 1}, {1, 1}}) {
            DenseMatrix basis = RandomBases.orthonormal(size[0], size[1], 5, precision);

            assertEquals(size[0], basis.rows());
            assertEquals(size[1], basis.columns());
            assertEquals(precision, basis.precision());
            double error = Reference.orthonormalityError(Reference.toArray(basis));
            assertTrue(error <= (precision == Precision.FLOAT32 ? 1e-5 : 1e-12),
                    size[0] + " x " + size[1] + ": max |QᵀQ − I| = " + error);
        }
    }

    @Test
    void sameSeedSameBasis() {
        assertEquals(RandomBases.orthonormal(20, 5, 99), RandomBases.orthonormal(20, 5, 99));
        assertNotEquals(RandomBases.orthonormal(20, 5, 99), RandomBases.orthonormal(20, 5, 100));
        assertInstanceOf(FloatMatrix.class, RandomBases.orthonormal(20, 5, 99));
    }

    @Test
    void spansTheGaussianColumns() {
        // QR keeps the column space: each column of G = the seeded Gaussian matrix lies in span(Q).
        int dimension = 16;
        int count = 4;
        java.util.Random random = Seeds.random(31);
        double[][] gaussian = new double[dimension][count];
        for (int j = 0; j < count; j++) { // drawn column by column, as documented
            for (int i = 0; i < dimension; i++) {
                gaussian[i][j] = random.nextGaussian();
            }
        }
        double[][] q = Reference.toArray(RandomBases.orthonormal(dimension, count, 31, Precision.FLOAT64));

        double[][] projected = Reference.multiply(q, Reference.multiply(Reference.transpose(q), gaussian));

        assertTrue(Reference.maxAbsDifference(projected, gaussian) < 1e-12, "G = Q Qᵀ G");
        // R = Qᵀ G is upper triangular with a positive diagonal.
        double[][] r = Reference.multiply(Reference.transpose(q), gaussian);
        for (int i = 0; i < count; i++) {
            assertTrue(r[i][i] > 0, "R[" + i + "][" + i + "] = " + r[i][i]);
            for (int j = 0; j < i; j++) {
                assertEquals(0.0, r[i][j], 1e-12, "R[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void smallerBasesArePrefixesOfLargerOnes() {
        // The first j columns of a basis drawn with k columns span the basis drawn with j columns.
        int dimension = 40;
        for (Precision precision : Precision.values()) {
            double[][] large = Reference.toArray(RandomBases.orthonormal(dimension, 25, 8, precision));
            for (int count : new int[] {1, 7, 24}) {
                double[][] small = Reference.toArray(RandomBases.orthonormal(dimension, count, 8, precision));
                double[][] prefix = new double[dimension][count];
                for (int i = 0; i < dimension; i++) {
                    System.arraycopy(large[i], 0, prefix[i], 0, count);
                }
                double tolerance = precision == Precision.FLOAT32 ? 1e-5 : 1e-12;
                // Same sign rule, so the columns agree one by one, not only their span.
                assertTrue(Reference.maxAbsDifference(prefix, small) < tolerance, precision + " k = " + count
                        + ": " + Reference.maxAbsDifference(prefix, small));
            }
        }
    }

    @Test
    void shuffledColumnsAreNested() {
        int[] large = RandomBases.shuffledColumns(60, 40, 3);
        for (int count : new int[] {1, 10, 39}) {
            int[] small = RandomBases.shuffledColumns(60, count, 3);
            assertArrayEquals(Arrays.copyOf(large, count), small, "k = " + count);
            int[] sorted = small.clone();
            Arrays.sort(sorted);
            assertArrayEquals(sorted, RandomBases.chooseColumns(60, count, 3), "k = " + count);
        }
    }

    @Test
    void entriesHaveHaarMoments() {
        // For a Haar-distributed Q, every entry has mean 0 and E[Q_ij²] = 1/d. Consecutive seeds also check
        // that nearby seeds give unrelated draws.
        int dimension = 10;
        int count = 3;
        int trials = 2000;
        double sum = 0;
        double sumOfSquares = 0;
        for (int seed = 0; seed < trials; seed++) {
            double entry = RandomBases.orthonormal(dimension, count, seed, Precision.FLOAT64).get(0, 0);
            sum += entry;
            sumOfSquares += entry * entry;
        }
        double mean = sum / trials;
        double meanSquare = sumOfSquares / trials;
        double standardError = Math.sqrt(1.0 / dimension / trials);

        assertEquals(0.0, mean, 4 * standardError, "mean of Q[0][0]");
        assertEquals(1.0 / dimension, meanSquare, 0.015, "mean of Q[0][0]²");
    }

    @Test
    void invalidSizesRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RandomBases.orthonormal(4, 5, 0));
        assertTrue(error.getMessage().contains("k = 5 and d = 4"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RandomBases.orthonormal(4, 0, 0));
    }

    @Test
    void chosenColumnsDistinctSortedInRange() {
        int[] chosen = RandomBases.chooseColumns(50, 12, 7);

        assertEquals(12, chosen.length);
        assertEquals(12, Arrays.stream(chosen).distinct().count());
        int[] sorted = chosen.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, chosen);
        assertTrue(chosen[0] >= 0, "smallest index " + chosen[0]);
        assertTrue(chosen[11] < 50, "largest index " + chosen[11]);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, RandomBases.chooseColumns(5, 5, 7));
    }

    @Test
    void chosenColumnsReproducible() {
        assertArrayEquals(RandomBases.chooseColumns(100, 10, 42), RandomBases.chooseColumns(100, 10, 42));
        assertFalse(Arrays.equals(RandomBases.chooseColumns(100, 10, 42), RandomBases.chooseColumns(100, 10, 43)));
    }

    @Test
    void chosenColumnsUniform() {
        // Each of r = 10 columns is chosen with probability k / r = 0.3.
        int available = 10;
        int count = 3;
        int trials = 5000;
        int[] frequency = new int[available];
        for (int seed = 0; seed < trials; seed++) {
            for (int index : RandomBases.chooseColumns(available, count, seed)) {
                frequency[index]++;
            }
        }
        double expected = trials * 0.3;
        double standardDeviation = Math.sqrt(trials * 0.3 * 0.7);
        for (int i = 0; i < available; i++) {
            assertEquals(expected, frequency[i], 5 * standardDeviation, "column " + i);
        }
    }

    @Test
    void chooseColumnsRejectsTooMany() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RandomBases.chooseColumns(3, 4, 0));
        assertTrue(error.getMessage().contains("4 of 3"), error.getMessage());
    }

    @Test
    void chosenSingularVectorsSelectedFromU() {
        DenseMatrix u = RandomBases.orthonormal(8, 6, 1, Precision.FLOAT64);
        int[] chosen = RandomBases.chooseColumns(6, 2, 3);

        DenseMatrix selected = u.selectColumns(chosen);

        for (int i = 0; i < 8; i++) {
            assertEquals(u.get(i, chosen[0]), selected.get(i, 0));
            assertEquals(u.get(i, chosen[1]), selected.get(i, 1));
        }
    }
}
