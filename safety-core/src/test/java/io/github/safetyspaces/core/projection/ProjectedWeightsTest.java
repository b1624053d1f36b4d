package io.github.safetyspaces.core.projection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.InMemoryTensors;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectedWeightsTest {

    @TempDir
    Path cache;

    private static FloatTensor random(long seed, long... shape) {
        Random random = new Random(seed);
        float[] data = new float[(int) FloatTensor.elementCount(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return new FloatTensor(shape, data);
    }

    private static TensorSource model(long seed) {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        tensors.put("model.layers.0.mlp.up_proj.weight", random(seed, 6, 6));
        tensors.put("model.layers.0.input_layernorm.weight", random(seed + 1, 6));
        return new InMemoryTensors(tensors);
    }

    private ProjectedWeights projected(ProjectionMethod method, double frac, ReferenceBases reference,
            ProjectionDiagnostics diagnostics) {
        return new ProjectedWeights(model(2), model(3), reference, BasisChoice.TOP_K, method, frac, 7, diagnostics);
    }

    @Test
    void fullRankSameRebuildsTheFineTune() {
        ReferenceBases reference = new ReferenceBases(model(1), model(2), cache, "key");
        ProjectionDiagnostics diagnostics = new ProjectionDiagnostics();
        FloatTensor rebuilt = projected(ProjectionMethod.SAME, 1.0, reference, diagnostics)
                .read("model.layers.0.mlp.up_proj.weight");
        float[] expected = model(3).read("model.layers.0.mlp.up_proj.weight").data();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], rebuilt.data()[i], 1e-5, "element " + i);
        }
        assertEquals(1.0, diagnostics.energyKeptRatio(), 1e-6);

        FloatTensor orth = projected(ProjectionMethod.ORTH, 1.0, reference, new ProjectionDiagnostics())
                .read("model.layers.0.mlp.up_proj.weight");
        float[] aligned = model(2).read("model.layers.0.mlp.up_proj.weight").data();
        for (int i = 0; i < aligned.length; i++) {
            assertEquals(aligned[i], orth.data()[i], 1e-5, "orth at full rank keeps WA, element " + i);
        }
    }

    @Test
    void readsLeaveSourceArraysUnchanged() {
        // The projection reuses arrays in place, and InMemoryTensors returns its own arrays, not copies.
        TensorSource base = model(1);
        TensorSource aligned = model(2);
        TensorSource finetuned = model(3);
        ReferenceBases reference = new ReferenceBases(base, aligned, cache, "key");
        ProjectedWeights weights = new ProjectedWeights(aligned, finetuned, reference, BasisChoice.TOP_K,
                ProjectionMethod.ORTH, 0.5, 7, new ProjectionDiagnostics());
        for (String name : weights.names()) {
            FloatTensor first = weights.read(name);
            FloatTensor second = weights.read(name);
            assertArrayEquals(first.data(), second.data(), name + " read twice");
            assertArrayEquals(model(2).read(name).data(), aligned.read(name).data(), name + " in WA");
            assertArrayEquals(model(3).read(name).data(), finetuned.read(name).data(), name + " in WF");
            assertArrayEquals(model(1).read(name).data(), base.read(name).data(), name + " in W0");
        }
    }

    @Test
    void vectorsProjectOntoTheAlignmentDirection() {
        ReferenceBases reference = new ReferenceBases(model(1), model(2), cache, "key");
        FloatTensor projected = projected(ProjectionMethod.SAME, 0.5, reference, new ProjectionDiagnostics())
                .read("model.layers.0.input_layernorm.weight");
        float[] w0 = model(1).read("model.layers.0.input_layernorm.weight").data();
        float[] wa = model(2).read("model.layers.0.input_layernorm.weight").data();
        float[] wf = model(3).read("model.layers.0.input_layernorm.weight").data();
        double dot = 0;
        double norm = 0;
        for (int i = 0; i < wa.length; i++) {
            dot += (wf[i] - wa[i]) * (double) (wa[i] - w0[i]);
            norm += (wa[i] - w0[i]) * (double) (wa[i] - w0[i]);
        }
        for (int i = 0; i < wa.length; i++) {
            assertEquals(wa[i] + dot / norm * (wa[i] - w0[i]), projected.data()[i], 1e-5, "element " + i);
        }
    }

    @Test
    void rankDeficientUpdateLimitsK() {
        // WA - W0 of rank 1: an outer product.
        Map<String, FloatTensor> base = new LinkedHashMap<>();
        Map<String, FloatTensor> alignedTensors = new LinkedHashMap<>();
        float[] w0 = random(1, 6, 6).data();
        float[] wa = w0.clone();
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                wa[i * 6 + j] += (i + 1) * (j - 2.5f);
            }
        }
        base.put("w", new FloatTensor(new long[] {6, 6}, w0));
        alignedTensors.put("w", new FloatTensor(new long[] {6, 6}, wa));
        Map<String, FloatTensor> finetuned = new LinkedHashMap<>();
        finetuned.put("w", random(9, 6, 6));
        ReferenceBases reference = new ReferenceBases(new InMemoryTensors(base), new InMemoryTensors(alignedTensors),
                cache, "rank1");
        ProjectedWeights weights = new ProjectedWeights(new InMemoryTensors(alignedTensors),
                new InMemoryTensors(finetuned), reference, BasisChoice.TOP_K, ProjectionMethod.SAME, 0.5, 1,
                new ProjectionDiagnostics());
        weights.read("w");
        assertEquals(1, weights.rankLimitedTensors());
    }

    @Test
    void svdCacheIsReusedAcrossSweeps() {
        ReferenceBases first = new ReferenceBases(model(1), model(2), cache, "key");
        float[] once = projected(ProjectionMethod.SAME, 0.5, first, new ProjectionDiagnostics())
                .read("model.layers.0.mlp.up_proj.weight").data();
        projected(ProjectionMethod.OPP, 0.25, first, new ProjectionDiagnostics())
                .read("model.layers.0.mlp.up_proj.weight");
        assertEquals(1, first.computedCount(), "one SVD for every frac and method");

        ReferenceBases second = new ReferenceBases(model(1), model(2), cache, "key");
        float[] again = projected(ProjectionMethod.SAME, 0.5, second, new ProjectionDiagnostics())
                .read("model.layers.0.mlp.up_proj.weight").data();
        assertEquals(0, second.computedCount(), "a new sweep reads the disk cache");
        assertArrayEquals(once, again);
    }

    @Test
    void randomKRepeatsWithSeedAndFracIsChecked() {
        ReferenceBases reference = new ReferenceBases(model(1), model(2), cache, "key");
        float[] first = new ProjectedWeights(model(2), model(3), reference, BasisChoice.RANDOM_K, ProjectionMethod.SAME,
                0.5, 11, new ProjectionDiagnostics()).read("model.layers.0.mlp.up_proj.weight").data();
        float[] second = new ProjectedWeights(model(2), model(3), reference, BasisChoice.RANDOM_K,
                ProjectionMethod.SAME, 0.5, 11, new ProjectionDiagnostics()).read("model.layers.0.mlp.up_proj.weight")
                .data();
        assertArrayEquals(first, second);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new ProjectedWeights(
                model(2), model(3), reference, BasisChoice.TOP_K, ProjectionMethod.SAME, 1.5, 1,
                new ProjectionDiagnostics()));
        assertTrue(error.getMessage().contains("1.5"), error.getMessage());
    }
}
