package io.github.safetyspaces.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpectrumTest {

    /** Returns singular values whose squares are the given energies. */
    private static double[] fromEnergies(double... energies) {
        return Arrays.stream(energies).map(Math::sqrt).toArray();
    }

    @Test
    void energyRankOfHandMadeSpectrum() {
        // Energies 4, 3, 2, 1 of 10; cumulative fractions 0.4, 0.7, 0.9, 1.0.
        double[] values = fromEnergies(4, 3, 2, 1);

        assertEquals(1, Spectrum.energyRank(values, 0.05));
        assertEquals(1, Spectrum.energyRank(values, 0.39));
        assertEquals(2, Spectrum.energyRank(values, 0.41));
        assertEquals(3, Spectrum.energyRank(values, 0.71));
        assertEquals(4, Spectrum.energyRank(values, 0.91));
        assertEquals(4, Spectrum.energyRank(values, 1.0));
    }

    @Test
    void exactTiesCountAsReached() {
        double[] values = fromEnergies(4, 3, 2, 1);

        // Each eta equals a cumulative fraction in decimal; 0.9 as a double is slightly above 0.9.
        assertEquals(1, Spectrum.energyRank(values, 0.4));
        assertEquals(2, Spectrum.energyRank(values, 0.7));
        assertEquals(3, Spectrum.energyRank(values, 0.9));
        assertEquals(1, Spectrum.energyRank(new double[] {3, 1}, 0.9), "energies 9 and 1");
    }

    @Test
    void repeatedValuesCountOneByOne() {
        double[] values = {2, 2, 2, 2};

        assertEquals(1, Spectrum.energyRank(values, 0.25));
        assertEquals(2, Spectrum.energyRank(values, 0.2501));
        assertEquals(2, Spectrum.energyRank(values, 0.5));
        assertEquals(3, Spectrum.energyRank(values, 0.75));
        assertEquals(4, Spectrum.energyRank(values, 1.0));
    }

    @Test
    void etaOneGivesNumberOfNonzeroValues() {
        assertEquals(2, Spectrum.energyRank(new double[] {5, 3, 0, 0}, 1.0));
        // A tiny value adds nothing visible to the total in double, yet it is nonzero and counts at eta = 1.
        assertEquals(2, Spectrum.energyRank(new double[] {1, 1e-9}, 1.0));
        assertEquals(1, Spectrum.energyRank(new double[] {1, 1e-9}, 0.999999));
        assertEquals(1, Spectrum.energyRank(new double[] {7}, 1.0));
    }

    @Test
    void zeroToleranceExcludesNoise() {
        double[] values = {3, 1e-8, 1e-9};

        assertEquals(3, Spectrum.energyRank(values, 1.0));
        assertEquals(1, Spectrum.energyRank(values, 1.0, 1e-6));
        assertEquals(1, Spectrum.numericalRank(values, 1e-6));
        assertEquals(2, Spectrum.numericalRank(values, 1e-9), "a value equal to the tolerance counts as zero");
    }

    @Test
    void rankToleranceFollowsPrecisionAndShape() {
        double[] values = {2, 1};

        assertEquals(2 * 10 * 0x1p-23, Spectrum.rankTolerance(values, 10, 3, Precision.FLOAT32));
        assertEquals(2 * 10 * 0x1p-52, Spectrum.rankTolerance(values, 3, 10, Precision.FLOAT64));
        assertEquals(0.0, Spectrum.rankTolerance(new double[0], 3, 0, Precision.FLOAT32));
    }

    @Test
    void zeroSpectrumHasEnergyRankZero() {
        for (double eta : new double[] {0.01, 0.5, 1.0}) {
            assertEquals(0, Spectrum.energyRank(new double[] {0, 0, 0}, eta), "eta " + eta);
            assertEquals(0, Spectrum.energyRank(new double[0], eta), "empty, eta " + eta);
        }
        assertEquals(0.0, Spectrum.totalEnergy(new double[] {0, 0}));
    }

    @Test
    void energyRankMatchesExactArithmetic() {
        Random random = new Random(77);
        for (int trial = 0; trial < 2000; trial++) {
            int count = 1 + random.nextInt(30);
            double[] values = new double[count];
            for (int i = 0; i < count; i++) {
                values[i] = Math.exp(4 * random.nextGaussian());
            }
            Arrays.sort(values);
            reverse(values);
            double eta = 1 - random.nextDouble();

            assertEquals(exactEnergyRank(values, eta), Spectrum.energyRank(values, eta),
                    "spectrum " + Arrays.toString(values) + ", eta " + eta);
        }
    }

    @Test
    void totalEnergyIsSumOfSquares() {
        assertEquals(30.0, Spectrum.totalEnergy(new double[] {4, 3, 2, 1}));
    }

    @Test
    void invalidEtaRejected() {
        double[] values = {2, 1};
        for (double eta : new double[] {0, -0.5, 1.0000001, Double.NaN}) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> Spectrum.energyRank(values, eta), "eta " + eta);
            assertTrue(error.getMessage().contains("(0, 1]"), error.getMessage());
        }
    }

    @Test
    void invalidSpectraRejected() {
        IllegalArgumentException ascending = assertThrows(IllegalArgumentException.class,
                () -> Spectrum.energyRank(new double[] {1, 2}, 0.5));
        assertTrue(ascending.getMessage().contains("descending"), ascending.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Spectrum.totalEnergy(new double[] {1, -1}));
        assertThrows(IllegalArgumentException.class, () -> Spectrum.totalEnergy(new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class,
                () -> Spectrum.numericalRank(new double[] {1}, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Spectrum.numericalRank(new double[] {1}, -1));
    }

    /** Returns the smallest k with Σ_{i<k} s_i² ≥ η Σ s_i², computed exactly in BigDecimal. */
    private static int exactEnergyRank(double[] values, double eta) {
        BigDecimal total = BigDecimal.ZERO;
        for (double value : values) {
            total = total.add(new BigDecimal(value).pow(2));
        }
        BigDecimal target = total.multiply(new BigDecimal(eta));
        BigDecimal cumulative = BigDecimal.ZERO;
        for (int k = 1; k <= values.length; k++) {
            cumulative = cumulative.add(new BigDecimal(values[k - 1]).pow(2));
            if (cumulative.compareTo(target) >= 0) {
                return k;
            }
        }
        return values.length;
    }

    private static void reverse(double[] values) {
        for (int i = 0; i < values.length / 2; i++) {
            double swap = values[i];
            values[i] = values[values.length - 1 - i];
            values[values.length - 1 - i] = swap;
        }
    }
}
