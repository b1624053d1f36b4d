package io.github.safetyspaces.core.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.linalg.DenseMatrix;
import io.github.safetyspaces.core.linalg.FloatMatrix;
import io.github.safetyspaces.core.linalg.Precision;
import io.github.safetyspaces.core.linalg.RandomBases;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Overlaps of constructed activations whose subspaces are known: rows are random combinations of
 * chosen orthonormal directions in R^D, plus an optional common offset.
 */
class ActivationOverlapTest {

    private static final int D = 12;

    /** Six orthonormal directions of R^12 in a random orientation, as columns. */
    private static final DenseMatrix DIRECTIONS = RandomBases.orthonormal(D, 6, 7, Precision.FLOAT64);

    private static final double TOLERANCE = 1e-5;

    @Test
    void sameSubspaceOverlapsFully() {
        Map<String, FloatMatrix> sets = new LinkedHashMap<>();
        sets.put("useful", states(20, new int[] {0, 1, 2}, new double[] {3, 2, 1}, -1, 0, 1));
        sets.put("harmful", states(15, new int[] {0, 1, 2}, new double[] {1, 1, 2}, -1, 0, 2));

        List<OverlapRow> rows = ActivationOverlap.compare("m", 4, sets, List.of(false), List.of(1.0));

        assertEquals(1, rows.size());
        OverlapRow row = rows.get(0);
        assertEquals(3, row.kx(), "kx: the rank of the first set");
        assertEquals(3, row.ky(), "ky: the rank of the second set");
        assertEquals(1.0, row.mso(), TOLERANCE);
        assertEquals(3.0 / D, row.randomBaseline(), 1e-12);
        assertEquals(D, row.dimension());
        assertEquals("useful-harmful", row.pair());
        assertEquals(4, row.layer());
    }

    @Test
    void orthogonalSubspacesDoNotOverlap() {
        Map<String, FloatMatrix> sets = new LinkedHashMap<>();
        sets.put("x", states(20, new int[] {0, 1, 2}, new double[] {3, 2, 1}, -1, 0, 3));
        sets.put("y", states(20, new int[] {3, 4}, new double[] {2, 1}, -1, 0, 4));

        List<OverlapRow> rows = ActivationOverlap.compare("m", 0, sets, List.of(false), List.of(0.01, 0.5, 1.0));

        assertEquals(3, rows.size());
        for (OverlapRow row : rows) {
            assertEquals(0.0, row.mso(), TOLERANCE, "eta " + row.eta());
            assertEquals((double) Math.max(row.kx(), row.ky()) / D, row.randomBaseline(), 1e-12);
        }
        assertEquals(3, rows.get(2).kx());
        assertEquals(2, rows.get(2).ky());
    }

    @Test
    void centringRemovesCommonOffset() {
        // Both sets vary in span(d0, d1) around large, mutually orthogonal means along d4 and d5.
        Map<String, FloatMatrix> sets = new LinkedHashMap<>();
        sets.put("x", states(30, new int[] {0, 1}, new double[] {1, 1}, 4, 10, 5));
        sets.put("y", states(30, new int[] {0, 1}, new double[] {1, 1}, 5, 10, 6));

        List<OverlapRow> rows = ActivationOverlap.compare("m", 2, sets, List.of(false, true), List.of(0.9, 1.0));

        assertEquals(4, rows.size());
        OverlapRow rawMostEnergy = rows.get(0);
        OverlapRow rawAll = rows.get(1);
        OverlapRow centredAll = rows.get(3);
        assertEquals(false, rawAll.centred());
        assertEquals(true, centredAll.centred());

        // Uncentred, the mean carries about 98% of the energy, so k(0.9) = 1 and the two means do not overlap.
        assertEquals(1, rawMostEnergy.kx());
        assertEquals(1, rawMostEnergy.ky());
        assertTrue(rawMostEnergy.mso() < 0.05, "MSO of the two mean directions: " + rawMostEnergy.mso());
        // Uncentred, each set spans its mean and the shared plane: 2 of 3 dimensions shared.
        assertEquals(3, rawAll.kx());
        assertEquals(3, rawAll.ky());
        assertEquals(2.0 / 3, rawAll.mso(), TOLERANCE);
        // Centred, only the shared plane is left.
        assertEquals(2, centredAll.kx());
        assertEquals(2, centredAll.ky());
        assertEquals(1.0, centredAll.mso(), TOLERANCE);
    }

    @Test
    void rowsCoverEveryPairInOrder() {
        Map<String, FloatMatrix> sets = new LinkedHashMap<>();
        sets.put("a", states(10, new int[] {0, 1}, new double[] {1, 1}, -1, 0, 8));
        sets.put("b", states(10, new int[] {1, 2}, new double[] {1, 1}, -1, 0, 9));
        sets.put("c", states(10, new int[] {2, 3}, new double[] {1, 1}, -1, 0, 10));

        List<OverlapRow> rows = ActivationOverlap.compare("m", 1, sets, List.of(false, true), List.of(0.5, 1.0));

        assertEquals(2 * 3 * 2, rows.size(), "centring choices x pairs x etas");
        List<String> pairs = rows.stream().limit(6).map(row -> row.pair() + "@" + row.eta()).toList();
        assertEquals(List.of("a-b@0.5", "a-b@1.0", "a-c@0.5", "a-c@1.0", "b-c@0.5", "b-c@1.0"), pairs);
        // a and b share d1 of their two dimensions each; a and c share nothing.
        assertEquals(0.5, rows.get(1).mso(), TOLERANCE);
        assertEquals(0.0, rows.get(3).mso(), TOLERANCE);
    }

    @Test
    void singleCentredPromptSpansNothing() {
        Map<String, FloatMatrix> sets = new LinkedHashMap<>();
        sets.put("x", states(1, new int[] {0}, new double[] {1}, -1, 0, 11));
        sets.put("y", states(5, new int[] {0}, new double[] {1}, -1, 0, 12));

        List<OverlapRow> rows = ActivationOverlap.compare("m", 0, sets, List.of(false, true), List.of(0.5));

        assertEquals(1, rows.get(0).kx(), "uncentred, one prompt spans one direction");
        assertEquals(1.0, rows.get(0).mso(), TOLERANCE);
        assertEquals(0, rows.get(1).kx(), "centred, one prompt leaves nothing");
        assertEquals(1, rows.get(1).ky());
        assertTrue(Double.isNaN(rows.get(1).mso()), "MSO " + rows.get(1).mso());
        assertTrue(Double.isNaN(rows.get(1).randomBaseline()), "baseline " + rows.get(1).randomBaseline());
    }

    @Test
    void mismatchedInputsAreRejected() {
        Map<String, FloatMatrix> one = Map.of("x", states(5, new int[] {0}, new double[] {1}, -1, 0, 13));
        assertThrows(IllegalArgumentException.class,
                () -> ActivationOverlap.compare("m", 0, one, List.of(false), List.of(0.5)));

        Map<String, FloatMatrix> widths = new LinkedHashMap<>();
        widths.put("x", new FloatMatrix(2, 3, new float[] {1, 0, 0, 0, 1, 0}));
        widths.put("y", new FloatMatrix(2, 4, new float[] {1, 0, 0, 0, 0, 1, 0, 0}));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ActivationOverlap.compare("m", 0, widths, List.of(false), List.of(0.5)));
        assertTrue(error.getMessage().contains("'y'"), error.getMessage());
    }

    /**
     * Builds N x D states: row n is {@code offset · d_offsetDirection + Σ_j c_nj · scale_j · d_j} with
     * Gaussian c, for the directions d of {@link #DIRECTIONS}.
     */
    private static FloatMatrix states(int prompts, int[] directions, double[] scales, int offsetDirection,
            double offset, long seed) {
        Random random = new Random(seed);
        float[] data = new float[prompts * D];
        for (int n = 0; n < prompts; n++) {
            double[] row = new double[D];
            for (int j = 0; j < directions.length; j++) {
                double coefficient = scales[j] * random.nextGaussian();
                for (int d = 0; d < D; d++) {
                    row[d] += coefficient * DIRECTIONS.get(d, directions[j]);
                }
            }
            if (offsetDirection >= 0) {
                for (int d = 0; d < D; d++) {
                    row[d] += offset * DIRECTIONS.get(d, offsetDirection);
                }
            }
            for (int d = 0; d < D; d++) {
                data[n * D + d] = (float) row[d];
            }
        }
        return new FloatMatrix(prompts, D, data);
    }
}
