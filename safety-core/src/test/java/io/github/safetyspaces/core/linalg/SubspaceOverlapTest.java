package io.github.safetyspaces.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class SubspaceOverlapTest {

    private static double tolerance(Precision precision) {
        return precision == Precision.FLOAT32 ? 1e-5 : 1e-12;
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void identicalSubspacesGiveOne(Precision precision) {
        DenseMatrix basis = Reference.toMatrix(Reference.orthonormal(20, 6, new Random(1)), precision);

        double overlap = SubspaceOverlap.modeSubspaceOverlap(basis, basis);

        assertEquals(1.0, overlap, tolerance(precision));
        assertTrue(overlap <= 1.0, "clamped to 1");
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void orthogonalSubspacesGiveZero(Precision precision) {
        double[][] q = Reference.orthonormal(20, 9, new Random(2));
        DenseMatrix x = Reference.toMatrix(Reference.columns(q, 0, 4), precision);
        DenseMatrix y = Reference.toMatrix(Reference.columns(q, 4, 9), precision);

        assertEquals(0.0, SubspaceOverlap.modeSubspaceOverlap(x, y), tolerance(precision));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void nestedSubspaceGivesOne(Precision precision) {
        double[][] q = Reference.orthonormal(15, 7, new Random(3));
        DenseMatrix small = Reference.toMatrix(Reference.columns(q, 0, 3), precision);
        DenseMatrix large = Reference.toMatrix(q, precision);

        assertEquals(1.0, SubspaceOverlap.modeSubspaceOverlap(small, large), tolerance(precision));
        assertEquals(1.0, SubspaceOverlap.modeSubspaceOverlap(large, small), tolerance(precision));
    }

    @Test
    void partialOverlapHasKnownValue() {
        // x = span(q0, q1), y = span(q0, (q1 + q2)/√2): ‖xᵀy‖² = 1 + 1/2, divided by min(2, 2).
        double[][] q = Reference.orthonormal(10, 3, new Random(4));
        double[][] y = new double[10][2];
        for (int i = 0; i < 10; i++) {
            y[i][0] = q[i][0];
            y[i][1] = (q[i][1] + q[i][2]) / Math.sqrt(2);
        }
        DenseMatrix x = Reference.toMatrix(Reference.columns(q, 0, 2), Precision.FLOAT64);

        assertEquals(0.75, SubspaceOverlap.modeSubspaceOverlap(x, Reference.toMatrix(y, Precision.FLOAT64)), 1e-12);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void matchesDirectComputation(Precision precision) {
        Random random = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            int dimension = 5 + random.nextInt(30);
            int kx = 1 + random.nextInt(dimension);
            int ky = 1 + random.nextInt(dimension);
            double[][] x = Reference.orthonormal(dimension, kx, random);
            double[][] y = Reference.orthonormal(dimension, ky, random);
            DenseMatrix xMatrix = Reference.toMatrix(x, precision);
            DenseMatrix yMatrix = Reference.toMatrix(y, precision);
            double expected = Reference.crossEnergy(Reference.toArray(xMatrix), Reference.toArray(yMatrix))
                    / Math.min(kx, ky);

            double actual = SubspaceOverlap.modeSubspaceOverlap(xMatrix, yMatrix);

            assertEquals(Math.min(expected, 1.0), actual, tolerance(precision),
                    "d " + dimension + ", kx " + kx + ", ky " + ky);
        }
    }

    @Test
    void leadingColumnsNeedNoCopy() {
        Random random = new Random(6);
        DenseMatrix x = Reference.toMatrix(Reference.orthonormal(25, 10, random), Precision.FLOAT32);
        DenseMatrix y = Reference.toMatrix(Reference.orthonormal(25, 8, random), Precision.FLOAT32);

        double fromLeading = SubspaceOverlap.modeSubspaceOverlap(x, 4, y, 7);
        double fromCopies = SubspaceOverlap.modeSubspaceOverlap(x.leadingColumns(4), y.leadingColumns(7));

        assertEquals(fromCopies, fromLeading, 0.0);
    }

    @Test
    void leadingColumnsAcrossChunks() {
        // 3000 x 30 used columns: the native copies span more than one 65536-value chunk.
        DenseMatrix x = RandomBases.orthonormal(3000, 40, 1, Precision.FLOAT64);
        DenseMatrix y = RandomBases.orthonormal(3000, 35, 2, Precision.FLOAT64);
        double expected = Reference.crossEnergy(Reference.toArray(x.leadingColumns(30)),
                Reference.toArray(y.leadingColumns(25))) / 25;

        assertEquals(expected, SubspaceOverlap.modeSubspaceOverlap(x, 30, y, 25), 1e-12);
    }

    @Test
    void mixedPrecisionComputesInFloat64() {
        double[][] q = Reference.orthonormal(12, 5, new Random(7));
        DenseMatrix x = Reference.toMatrix(Reference.columns(q, 0, 2), Precision.FLOAT32);
        DenseMatrix y = Reference.toMatrix(Reference.columns(q, 0, 4), Precision.FLOAT64);
        double expected = Reference.crossEnergy(Reference.toArray(x), Reference.toArray(y)) / 2;

        assertEquals(expected, SubspaceOverlap.modeSubspaceOverlap(x, y), 1e-14);
    }

    @Test
    void svdBasesOfSharedColumnSpace() {
        // X = Q B1 and Y = Q B2 share the 4-dimensional column space of Q, so their top-4 left singular
        // vectors span the same subspace.
        Random random = new Random(8);
        double[][] q = Reference.orthonormal(30, 4, random);
        DenseMatrix x = Reference.toMatrix(Reference.multiply(q, Reference.gaussian(4, 12, random)), Precision.FLOAT64);
        DenseMatrix y = Reference.toMatrix(Reference.multiply(q, Reference.gaussian(4, 9, random)), Precision.FLOAT64);
        Svd svdX = Svd.compute(x, Precision.FLOAT64, SvdVectors.LEFT);
        Svd svdY = Svd.compute(y, Precision.FLOAT64, SvdVectors.LEFT);

        assertEquals(4, svdX.energyRank(1.0));
        assertEquals(1.0, SubspaceOverlap.modeSubspaceOverlap(svdX, 4, svdY, 4), 1e-12);
        double expected = Reference.crossEnergy(Reference.columns(Reference.toArray(svdX.u()), 0, 2),
                Reference.columns(Reference.toArray(svdY.u()), 0, 3)) / 2;
        assertEquals(expected, SubspaceOverlap.modeSubspaceOverlap(svdX, 2, svdY, 3), 1e-12);
    }

    @ParameterizedTest(name = "d {0}, kx {1}, ky {2}")
    @CsvSource({"24, 3, 8", "24, 8, 3", "30, 5, 5", "16, 1, 16"})
    void referenceRandomSubspacesAverageToBaseline(int dimension, int kx, int ky) {
        // Independent of RandomBases: Gram-Schmidt bases in double from the test's own generator.
        Random random = new Random(1000L * dimension + 10L * kx + ky);
        int trials = 600;
        double sum = 0;
        double sumOfSquares = 0;
        for (int t = 0; t < trials; t++) {
            DenseMatrix x = Reference.toMatrix(Reference.orthonormal(dimension, kx, random), Precision.FLOAT64);
            DenseMatrix y = Reference.toMatrix(Reference.orthonormal(dimension, ky, random), Precision.FLOAT64);
            double overlap = SubspaceOverlap.modeSubspaceOverlap(x, y);
            sum += overlap;
            sumOfSquares += overlap * overlap;
        }
        double mean = sum / trials;
        double standardError = Math.sqrt(Math.max(0, sumOfSquares / trials - mean * mean) / (trials - 1));

        double baseline = SubspaceOverlap.randomBaseline(dimension, kx, ky);

        assertEquals((double) Math.max(kx, ky) / dimension, baseline, 0.0);
        // A subspace of dimension d is always fully overlapped: zero variance, mean exactly 1.
        assertEquals(baseline, mean, Math.max(4 * standardError, 1e-12), "mean of " + trials + " trials");
    }

    @ParameterizedTest(name = "d {0}, kx {1}, ky {2}")
    @CsvSource({"24, 3, 8", "40, 10, 10"})
    void sampledBaselineMatchesClosedForm(int dimension, int kx, int ky) {
        SampledBaseline sampled = SubspaceOverlap.sampledBaseline(dimension, kx, ky, 400, 42, Precision.FLOAT64);

        assertEquals(400, sampled.trials());
        assertTrue(sampled.standardDeviation() > 0);
        assertEquals(sampled.expected(), sampled.mean(), 4 * sampled.standardError(),
                "mean " + sampled.mean() + " ± " + sampled.standardError());
    }

    @Test
    void sampledBaselineReproducibleWithSeed() {
        SampledBaseline first = SubspaceOverlap.sampledBaseline(20, 4, 6, 10, 123, Precision.FLOAT32);
        SampledBaseline again = SubspaceOverlap.sampledBaseline(20, 4, 6, 10, 123, Precision.FLOAT32);
        SampledBaseline other = SubspaceOverlap.sampledBaseline(20, 4, 6, 10, 124, Precision.FLOAT32);

        assertEquals(first, again);
        assertNotEquals(first.mean(), other.mean());
    }

    @Test
    void emptyBasisRejectedWithReason() {
        DenseMatrix basis = Reference.toMatrix(Reference.orthonormal(8, 2, new Random(9)), Precision.FLOAT32);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SubspaceOverlap.modeSubspaceOverlap(basis, 0, basis, 2));

        assertTrue(error.getMessage().contains("no energy"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SubspaceOverlap.modeSubspaceOverlap(basis, 3, basis, 2));
    }

    @Test
    void differentDimensionsRejected() {
        DenseMatrix x = Reference.toMatrix(Reference.orthonormal(8, 2, new Random(10)), Precision.FLOAT32);
        DenseMatrix y = Reference.toMatrix(Reference.orthonormal(9, 2, new Random(11)), Precision.FLOAT32);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SubspaceOverlap.modeSubspaceOverlap(x, y));

        assertTrue(error.getMessage().contains("x has 8 rows"), error.getMessage());
        assertTrue(error.getMessage().contains("y has 9"), error.getMessage());
    }

    @Test
    void nanBasisRejected() {
        double[] data = new double[8];
        data[3] = Double.NaN;
        DoubleMatrix x = new DoubleMatrix(4, 2, data);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SubspaceOverlap.modeSubspaceOverlap(x, x));

        assertTrue(error.getMessage().contains("NaN at row 1, column 1"), error.getMessage());
    }

    @Test
    void nonOrthonormalBasisRejected() {
        double[][] q = Reference.orthonormal(10, 3, new Random(12));
        for (double[] row : q) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= 2;
            }
        }
        DenseMatrix scaled = Reference.toMatrix(q, Precision.FLOAT64);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SubspaceOverlap.modeSubspaceOverlap(scaled, scaled));

        assertTrue(error.getMessage().contains("not orthonormal"), error.getMessage());
    }

    @Test
    void baselineSizesValidated() {
        assertThrows(IllegalArgumentException.class, () -> SubspaceOverlap.randomBaseline(10, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> SubspaceOverlap.randomBaseline(10, 11, 3));
        assertThrows(IllegalArgumentException.class,
                () -> SubspaceOverlap.sampledBaseline(10, 2, 3, 1, 0, Precision.FLOAT32));
    }
}
