package io.github.safetyspaces.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class SvdTest {

    private static final Logger LOG = LoggerFactory.getLogger(SvdTest.class);

    /** Shapes that take both layout paths: tall (transposed copy), wide and square (no transposing). */
    static List<Arguments> shapesAndPrecisions() {
        int[][] shapes = {{7, 5}, {5, 7}, {6, 6}, {1, 9}, {9, 1}, {1, 1}, {40, 17}, {17, 40}};
        List<Arguments> cases = new ArrayList<>();
        for (int[] shape : shapes) {
            for (Precision precision : Precision.values()) {
                cases.add(Arguments.of(shape[0], shape[1], precision));
            }
        }
        return cases;
    }

    /** Relative tolerance, scaled by s_max, for values and reconstructions of small matrices. */
    private static double tolerance(Precision precision) {
        return precision == Precision.FLOAT32 ? 1e-5 : 1e-12;
    }

    @ParameterizedTest(name = "{0} x {1} {2}")
    @MethodSource("shapesAndPrecisions")
    void valuesMatchJacobiReference(int rows, int columns, Precision precision) {
        Random random = new Random(31L * rows + columns);
        DenseMatrix matrix = Reference.toMatrix(Reference.gaussian(rows, columns, random), precision);
        // The reference decomposes exactly the values that LAPACK receives (float32 values widened).
        double[] expected = Reference.singularValues(Reference.toArray(matrix));

        Svd svd = Svd.compute(matrix, precision, SvdVectors.LEFT);

        double[] actual = svd.singularValues();
        assertEquals(Math.min(rows, columns), actual.length);
        for (int i = 0; i < actual.length; i++) {
            assertEquals(expected[i], actual[i], tolerance(precision) * expected[0], "singular value " + i);
        }
    }

    @ParameterizedTest(name = "{0} x {1} {2}")
    @MethodSource("shapesAndPrecisions")
    void factorsReconstructInput(int rows, int columns, Precision precision) {
        Random random = new Random(17L * rows + columns);
        DenseMatrix matrix = Reference.toMatrix(Reference.gaussian(rows, columns, random), precision);

        Svd svd = Svd.compute(matrix, precision, SvdVectors.BOTH);

        int rank = Math.min(rows, columns);
        double[][] u = Reference.toArray(svd.u());
        double[][] vt = Reference.toArray(svd.vt());
        assertEquals(rows, u.length);
        assertEquals(rank, u[0].length);
        assertEquals(rank, vt.length);
        assertEquals(columns, vt[0].length);
        double[] values = svd.singularValues();
        double[][] scaled = new double[rows][rank];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < rank; j++) {
                scaled[i][j] = u[i][j] * values[j];
            }
        }
        double[][] product = Reference.multiply(scaled, vt);
        double scale = tolerance(precision) * values[0];
        assertTrue(Reference.maxAbsDifference(product, Reference.toArray(matrix)) <= scale,
                "U diag(s) Vᵀ differs from A by " + Reference.maxAbsDifference(product, Reference.toArray(matrix)));
        assertTrue(Reference.orthonormalityError(u) <= tolerance(precision), "UᵀU departs from I");
        assertTrue(Reference.orthonormalityError(Reference.transpose(vt)) <= tolerance(precision),
                "V Vᵀ departs from I");
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void copiesSpanSeveralChunks(Precision precision) {
        // 600 x 150 float32 values: more than one 65536-value chunk in the transposing and widening copies.
        Random random = new Random(600);
        DenseMatrix matrix = Reference.toMatrix(Reference.gaussian(600, 150, random), Precision.FLOAT32);
        double[][] original = Reference.toArray(matrix);
        double[] expected = Reference.singularValues(original);

        Svd svd = Svd.compute(matrix, precision, SvdVectors.BOTH);

        double[] values = svd.singularValues();
        for (int i = 0; i < values.length; i++) {
            assertEquals(expected[i], values[i], tolerance(precision) * expected[0], "singular value " + i);
        }
        double[][] u = Reference.toArray(svd.u());
        for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < values.length; j++) {
                u[i][j] *= values[j];
            }
        }
        double difference = Reference.maxAbsDifference(Reference.multiply(u, Reference.toArray(svd.vt())), original);
        assertTrue(difference <= tolerance(precision) * expected[0], "U diag(s) Vᵀ differs from A by " + difference);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void knownSpectrumWithRepeatedValue(Precision precision) {
        double[] spectrum = {5, 3, 3, 1, 0.5};
        double[][][] built = Reference.withSpectrum(9, 7, spectrum, new Random(5));
        DenseMatrix matrix = Reference.toMatrix(built[0], precision);

        Svd svd = Svd.compute(matrix, precision, SvdVectors.LEFT);

        double[] values = svd.singularValues();
        double[] expected = {5, 3, 3, 1, 0.5, 0, 0};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], values[i], tolerance(precision) * 5, "singular value " + i);
        }
        assertEquals(5, svd.numericalRank());
        assertEquals(5, svd.energyRank(1.0));

        // Vectors of a repeated value are unique only up to a rotation, so compare the spanned planes:
        // ‖Q1ᵀ U‖²_F over columns 1 and 2 is 2 when the planes coincide.
        double[][] u = Reference.toArray(svd.u());
        double[][] q1 = built[1];
        double planeOverlap = Reference.crossEnergy(Reference.columns(q1, 1, 3), Reference.columns(u, 1, 3));
        assertEquals(2.0, planeOverlap, 1e2 * tolerance(precision));
        double topOverlap = Reference.crossEnergy(Reference.columns(q1, 0, 1), Reference.columns(u, 0, 1));
        assertEquals(1.0, topOverlap, 1e2 * tolerance(precision));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void zeroMatrixHasNoEnergy(Precision precision) {
        DenseMatrix matrix = Reference.toMatrix(new double[6][4], precision);

        Svd svd = Svd.compute(matrix, precision, SvdVectors.LEFT);

        assertArrayEquals(new double[4], svd.singularValues());
        assertEquals(0.0, svd.totalEnergy());
        assertEquals(0, svd.numericalRank());
        for (double eta : new double[] {0.01, 0.5, 1.0}) {
            assertEquals(0, svd.energyRank(eta), "eta " + eta);
        }
        assertTrue(Reference.orthonormalityError(Reference.toArray(svd.u())) <= tolerance(precision));
    }

    @ParameterizedTest(name = "{0} x {1} {2}")
    @MethodSource("shapesAndPrecisions")
    void rankOneHasEnergyRankOne(int rows, int columns, Precision precision) {
        Random random = new Random(3L * rows + columns);
        double[][] left = Reference.gaussian(rows, 1, random);
        double[][] right = Reference.gaussian(1, columns, random);
        DenseMatrix matrix = Reference.toMatrix(Reference.multiply(left, right), precision);

        Svd svd = Svd.compute(matrix, precision, SvdVectors.LEFT);

        assertEquals(1, svd.numericalRank());
        for (double eta : new double[] {0.01, 0.5, 0.9, 0.99, 1.0}) {
            assertEquals(1, svd.energyRank(eta), "eta " + eta);
        }
        double norm = 0;
        for (double[] row : left) {
            norm += row[0] * row[0];
        }
        norm = Math.sqrt(norm);
        double[][] direction = new double[rows][1];
        for (int i = 0; i < rows; i++) {
            direction[i][0] = left[i][0] / norm;
        }
        double[][] u = Reference.columns(Reference.toArray(svd.u()), 0, 1);
        assertEquals(1.0, Reference.crossEnergy(direction, u), 1e2 * tolerance(precision), "u_1 is ±a/‖a‖");
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void rankDeficientMatrix(Precision precision) {
        double[][][] built = Reference.withSpectrum(10, 8, new double[] {4, 2, 1}, new Random(9));
        DenseMatrix matrix = Reference.toMatrix(built[0], precision);

        Svd svd = Svd.compute(matrix, precision, SvdVectors.NONE);

        assertEquals(3, svd.numericalRank());
        // Energies 16, 4, 1 of 21: 16/21 = 0.76, 20/21 = 0.95.
        assertEquals(1, svd.energyRank(0.7));
        assertEquals(2, svd.energyRank(0.9));
        assertEquals(3, svd.energyRank(0.99));
        assertEquals(3, svd.energyRank(1.0));
        assertEquals(21.0, svd.totalEnergy(), 1e2 * tolerance(precision));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void valuesOnlyMatchValuesWithVectors(Precision precision) {
        DenseMatrix matrix = Reference.toMatrix(Reference.gaussian(12, 20, new Random(2)), precision);

        Svd valuesOnly = Svd.compute(matrix, precision, SvdVectors.NONE);
        Svd withVectors = Svd.compute(matrix, precision, SvdVectors.LEFT);

        double[] expected = withVectors.singularValues();
        double[] actual = valuesOnly.singularValues();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance(precision) * expected[0], "singular value " + i);
        }
        IllegalStateException noU = assertThrows(IllegalStateException.class, valuesOnly::u);
        assertTrue(noU.getMessage().contains("SvdVectors.LEFT or BOTH"), noU.getMessage());
        IllegalStateException noVt = assertThrows(IllegalStateException.class, withVectors::vt);
        assertTrue(noVt.getMessage().contains("SvdVectors.BOTH"), noVt.getMessage());
    }

    @Test
    void defaultIsFloat32WithLeftVectors() {
        DenseMatrix matrix = Reference.toMatrix(Reference.gaussian(4, 3, new Random(1)), Precision.FLOAT64);

        Svd svd = Svd.compute(matrix);

        assertEquals(Precision.FLOAT32, svd.precision());
        assertEquals(SvdVectors.LEFT, svd.vectors());
        assertInstanceOf(FloatMatrix.class, svd.u());
    }

    @Test
    void float32InputInFloat64MatchesReferenceClosely() {
        DenseMatrix matrix = Reference.toMatrix(Reference.gaussian(11, 6, new Random(4)), Precision.FLOAT32);
        double[] expected = Reference.singularValues(Reference.toArray(matrix));

        Svd svd = Svd.compute(matrix, Precision.FLOAT64, SvdVectors.LEFT);

        assertInstanceOf(DoubleMatrix.class, svd.u());
        double[] actual = svd.singularValues();
        for (int i = 0; i < actual.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12 * expected[0], "singular value " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void inputArrayIsUnchanged(Precision precision) {
        for (int[] shape : new int[][] {{9, 4}, {4, 9}}) {
            DenseMatrix matrix = Reference.toMatrix(Reference.gaussian(shape[0], shape[1], new Random(8)), precision);
            double[][] before = Reference.toArray(matrix);

            Svd.compute(matrix, precision, SvdVectors.BOTH);

            assertEquals(0.0, Reference.maxAbsDifference(before, Reference.toArray(matrix)),
                    shape[0] + " x " + shape[1]);
        }
    }

    @Test
    void nanInputRejected() {
        float[] data = new float[12];
        data[1 * 4 + 2] = Float.NaN;
        FloatMatrix matrix = new FloatMatrix(3, 4, data);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Svd.compute(matrix));

        assertTrue(error.getMessage().contains("NaN at row 1, column 2"), error.getMessage());
        assertTrue(error.getMessage().contains("3 x 4"), error.getMessage());
    }

    @Test
    void infiniteInputRejected() {
        double[] data = new double[6];
        data[5] = Double.NEGATIVE_INFINITY;
        DoubleMatrix matrix = new DoubleMatrix(2, 3, data);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Svd.compute(matrix, Precision.FLOAT64, SvdVectors.NONE));

        assertTrue(error.getMessage().contains("-Infinity at row 1, column 2"), error.getMessage());
    }

    @Test
    void lapackInfoCodesRaiseWithShape() {
        LapackException notConverged = assertThrows(LapackException.class,
                () -> Lapack.checkInfo("sgesdd", 3, "2048 x 8192"));
        assertEquals(3, notConverged.info());
        assertEquals("sgesdd", notConverged.routine());
        assertTrue(notConverged.getMessage().contains("did not converge on a 2048 x 8192 matrix (info = 3)"),
                notConverged.getMessage());

        LapackException badArgument = assertThrows(LapackException.class,
                () -> Lapack.checkInfo("dgesdd", -5, "3 x 4"));
        assertTrue(badArgument.getMessage().contains("argument 5 for a 3 x 4 matrix (info = -5)"),
                badArgument.getMessage());

        LapackException noMemory = assertThrows(LapackException.class,
                () -> Lapack.checkInfo("sgesdd", -1010, "3 x 4"));
        assertTrue(noMemory.getMessage().contains("could not allocate"), noMemory.getMessage());

        Lapack.checkInfo("sgesdd", 0, "3 x 4");
    }

    @Test
    void recordRejectsInconsistentParts() {
        FloatMatrix u = new FloatMatrix(3, 2, new float[6]);
        assertThrows(IllegalArgumentException.class,
                () -> new Svd(3, 2, Precision.FLOAT32, SvdVectors.LEFT, new double[] {1, 2}, u, null),
                "ascending values");
        assertThrows(IllegalArgumentException.class,
                () -> new Svd(3, 2, Precision.FLOAT32, SvdVectors.LEFT, new double[] {2, 1, 0}, u, null),
                "three values for rank 2");
        assertThrows(IllegalArgumentException.class,
                () -> new Svd(3, 2, Precision.FLOAT64, SvdVectors.LEFT, new double[] {2, 1}, u, null),
                "float32 U in a float64 SVD");
        assertThrows(IllegalArgumentException.class,
                () -> new Svd(3, 2, Precision.FLOAT32, SvdVectors.NONE, new double[] {2, 1}, u, null),
                "U present with vectors NONE");
        assertThrows(IllegalArgumentException.class,
                () -> new Svd(3, 2, Precision.FLOAT32, SvdVectors.LEFT, new double[] {2, 1},
                        new FloatMatrix(2, 2, new float[4]), null),
                "U of the wrong shape");
    }

    @Test
    void tensorWrappedWithoutCopy() {
        float[] data = {1, 2, 3, 4, 5, 6};
        FloatMatrix matrix = FloatMatrix.fromTensor(new FloatTensor(new long[] {2, 3}, data));

        assertEquals(2, matrix.rows());
        assertEquals(3, matrix.columns());
        assertSame(data, matrix.data());
        assertEquals(6.0, matrix.get(1, 2));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> FloatMatrix.fromTensor(new FloatTensor(new long[] {6}, data)));
        assertTrue(error.getMessage().contains("n x 1"), error.getMessage());
    }

    @Test
    void timingOf2048Float32Logged() {
        int size = 2048;
        Random random = new Random(2048);
        float[] data = new float[size * size];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        FloatMatrix matrix = new FloatMatrix(size, size, data);

        long started = System.nanoTime();
        Svd svd = Svd.compute(matrix, Precision.FLOAT32, SvdVectors.LEFT);
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        LOG.info("sgesdd with left vectors of a {} x {} float32 matrix took {} ms on {} processors", size, size,
                elapsedMillis, Runtime.getRuntime().availableProcessors());
        // Not a timing assertion: a Gaussian n x n matrix has s_max close to 2 sqrt(n).
        assertEquals(2 * Math.sqrt(size), svd.singularValues()[0], 0.1 * Math.sqrt(size));
    }
}
