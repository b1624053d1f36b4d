package io.github.safetyspaces.core.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.linalg.DenseMatrix;
import io.github.safetyspaces.core.linalg.FloatMatrix;
import io.github.safetyspaces.core.linalg.Svd;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProjectionMathTest {

    private static final int ROWS = 12;
    private static final int COLUMNS = 7;

    private static float[] gaussian(int count, long seed) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** Top-k left singular vectors of a random alignment update. */
    private static DenseMatrix basis(int k) {
        Svd svd = Svd.compute(new FloatMatrix(ROWS, COLUMNS, gaussian(ROWS * COLUMNS, 1)));
        return svd.u().leadingColumns(k);
    }

    @Test
    void projectionMatchesFloat64Reference() {
        DenseMatrix u = basis(3);
        float[] update = gaussian(ROWS * COLUMNS, 2);
        float[] projected = LeftProjection.project(u, update, ROWS, COLUMNS);

        // Reference: (U Uᵀ) ΔT with the projector formed explicitly in double.
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLUMNS; j++) {
                double expected = 0;
                for (int r = 0; r < ROWS; r++) {
                    double projector = 0;
                    for (int c = 0; c < u.columns(); c++) {
                        projector += u.get(i, c) * u.get(r, c);
                    }
                    expected += projector * update[r * COLUMNS + j];
                }
                assertEquals(expected, projected[i * COLUMNS + j], 1e-5, "(" + i + ", " + j + ")");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1 << 21, 3 * COLUMNS, COLUMNS})
    void nestedProjectionsMatchFloat64References(int panelValues) {
        // Dimensions with a repeat and a zero; each must equal U_k U_kᵀ ΔT formed explicitly in double.
        // Panels of one row, of three rows (the last one shorter) and of the whole matrix.
        DenseMatrix u = basis(COLUMNS);
        float[] update = gaussian(ROWS * COLUMNS, 3);
        int[] dimensions = {0, 1, 1, 4, COLUMNS};
        int[] calls = {0};
        LeftProjection.projectNested(u, update, ROWS, COLUMNS, dimensions, (index, projected) -> {
            assertEquals(calls[0]++, index, "projections arrive in order");
            int k = dimensions[index];
            for (int i = 0; i < ROWS; i++) {
                for (int j = 0; j < COLUMNS; j++) {
                    double expected = 0;
                    for (int r = 0; r < ROWS; r++) {
                        double projector = 0;
                        for (int c = 0; c < k; c++) {
                            projector += u.get(i, c) * u.get(r, c);
                        }
                        expected += projector * update[r * COLUMNS + j];
                    }
                    assertEquals(expected, projected[i * COLUMNS + j], 1e-5, "k = " + k + " (" + i + ", " + j + ")");
                }
            }
        }, panelValues);
        assertEquals(dimensions.length, calls[0]);

        IllegalArgumentException descending = assertThrows(IllegalArgumentException.class,
                () -> LeftProjection.projectNested(u, update, ROWS, COLUMNS, new int[] {3, 2}, (index, p) -> { }));
        assertTrue(descending.getMessage().contains("Invalid dimension 2 at position 1: it must lie in [3, 7]"), descending.getMessage());
    }

    @Test
    void sameAndOrthRebuildTheUpdateAndSplitItsEnergy() {
        float[] update = gaussian(ROWS * COLUMNS, 3);
        float[] alignment = gaussian(ROWS * COLUMNS, 4);
        float[] projected = LeftProjection.project(basis(4), update, ROWS, COLUMNS);
        float[] same = ProjectionMethod.SAME.kept(update, projected);
        float[] orth = ProjectionMethod.ORTH.kept(update, projected);
        float[] opp = ProjectionMethod.OPP.kept(update, projected);
        for (int i = 0; i < update.length; i++) {
            assertEquals(update[i], same[i] + orth[i], 1e-6, "same + orth = ΔT at " + i);
            assertEquals(-same[i], opp[i], 0.0, "opp = -same at " + i);
        }

        ProjectionDiagnostics sameDiagnostics = new ProjectionDiagnostics();
        ProjectionDiagnostics orthDiagnostics = new ProjectionDiagnostics();
        sameDiagnostics.add("model.layers.0.mlp.up_proj.weight", update, same, alignment);
        orthDiagnostics.add("model.layers.0.mlp.up_proj.weight", update, orth, alignment);
        assertEquals(1.0, sameDiagnostics.energyKeptRatio() + orthDiagnostics.energyKeptRatio(), 1e-5,
                "an orthogonal split divides the energy");
        assertTrue(sameDiagnostics.energyKeptRatio() > 0 && sameDiagnostics.energyKeptRatio() < 1);
    }

    @Test
    void fullRankBasisRebuildsTheUpdate() {
        // A square ΔA of full rank spans the whole column space.
        Svd svd = Svd.compute(new FloatMatrix(ROWS, ROWS, gaussian(ROWS * ROWS, 5)));
        float[] update = gaussian(ROWS * COLUMNS, 6);
        float[] projected = LeftProjection.project(svd.u(), update, ROWS, COLUMNS);
        for (int i = 0; i < update.length; i++) {
            assertEquals(update[i], projected[i], 1e-5, "element " + i);
        }
    }

    @Test
    void directionProjectionOfVectors() {
        float[] direction = {3, 4};
        float[] update = {1, 2};
        float[] projected = LeftProjection.projectOntoDirection(direction, update);
        // (⟨(1,2),(3,4)⟩ / 25) (3,4) = 11/25 (3,4)
        assertEquals(33f / 25, projected[0], 1e-6);
        assertEquals(44f / 25, projected[1], 1e-6);
        float[] zero = LeftProjection.projectOntoDirection(new float[2], update);
        assertEquals(0f, zero[0]);
        assertEquals(0f, zero[1]);
    }

    @Test
    void cosineTaskAlignmentIsTheTrueCosine() {
        float[] taskA = gaussian(20, 7);
        float[] taskB = gaussian(5, 8);
        float[] alignA = gaussian(20, 9);
        float[] alignB = gaussian(5, 10);
        ProjectionDiagnostics diagnostics = new ProjectionDiagnostics();
        diagnostics.add("model.layers.1.self_attn.q_proj.weight", taskA, taskA, alignA);
        diagnostics.add("model.norm.weight", taskB, taskB, alignB);

        // Direct computation over the concatenated vectors.
        double dot = 0;
        double task = 0;
        double align = 0;
        float[][] tasks = {taskA, taskB};
        float[][] aligns = {alignA, alignB};
        for (int part = 0; part < 2; part++) {
            for (int i = 0; i < tasks[part].length; i++) {
                dot += (double) tasks[part][i] * aligns[part][i];
                task += (double) tasks[part][i] * tasks[part][i];
                align += (double) aligns[part][i] * aligns[part][i];
            }
        }
        assertEquals(dot / Math.sqrt(task) / Math.sqrt(align), diagnostics.cosineTaskAlignment(), 1e-12);
        assertEquals(1.0, diagnostics.cosineTaskKept(), 1e-12, "kept = update");
        assertEquals(0.0, diagnostics.removedNormByLayer().get(1), 0.0);
        assertTrue(diagnostics.removedNormByLayer().containsKey(ProjectionDiagnostics.OUTSIDE_LAYERS));
        assertFalse(diagnostics.isDegenerate());
    }

    @Test
    void unchangedModelGivesZerosNotNaN() {
        ProjectionDiagnostics diagnostics = new ProjectionDiagnostics();
        diagnostics.add("model.layers.0.mlp.up_proj.weight", new float[4], new float[4], new float[4]);
        assertEquals(0.0, diagnostics.energyKeptRatio());
        assertEquals(0.0, diagnostics.cosineTaskAlignment());
        assertTrue(diagnostics.isDegenerate());
    }
}
