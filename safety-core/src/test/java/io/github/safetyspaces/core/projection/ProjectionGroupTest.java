package io.github.safetyspaces.core.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.InMemoryTensors;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.io.ScratchMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectionGroupTest {

    private static final long SEED = 11;

    @TempDir
    Path folder;

    private static float[] gaussian(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /**
     * W0, WA and WF with a tall and a wide matrix, one whose ΔA has rank 2 (so large fracs are limited),
     * one that alignment left unchanged (ΔA = 0) and a norm vector.
     */
    private static List<TensorSource> checkpoints() {
        Random random = new Random(5);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("model.layers.0.mlp.up_proj.weight", new long[] {12, 7});
        shapes.put("model.layers.0.mlp.down_proj.weight", new long[] {5, 9});
        shapes.put("model.layers.1.self_attn.q_proj.weight", new long[] {8, 8});
        shapes.put("model.layers.1.self_attn.k_proj.weight", new long[] {6, 8});
        shapes.put("model.layers.1.input_layernorm.weight", new long[] {8});

        Map<String, FloatTensor> base = new LinkedHashMap<>();
        Map<String, FloatTensor> aligned = new LinkedHashMap<>();
        Map<String, FloatTensor> finetuned = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : shapes.entrySet()) {
            String name = entry.getKey();
            long[] shape = entry.getValue();
            int count = (int) FloatTensor.elementCount(shape);
            float[] w0 = gaussian(random, count);
            float[] wa = w0.clone();
            if (name.contains("q_proj")) {
                // ΔA = a bᵀ + c dᵀ, rank 2.
                float[] a = gaussian(random, 8);
                float[] b = gaussian(random, 8);
                float[] c = gaussian(random, 8);
                float[] d = gaussian(random, 8);
                for (int i = 0; i < 8; i++) {
                    for (int j = 0; j < 8; j++) {
                        wa[i * 8 + j] += a[i] * b[j] + c[i] * d[j];
                    }
                }
            } else if (!name.contains("k_proj")) {
                float[] update = gaussian(random, count);
                for (int i = 0; i < count; i++) {
                    wa[i] += update[i];
                }
            }

            float[] wf = wa.clone();
            float[] task = gaussian(random, count);
            for (int i = 0; i < count; i++) {
                wf[i] += task[i];
            }
            base.put(name, new FloatTensor(shape, w0));
            aligned.put(name, new FloatTensor(shape, wa));
            finetuned.put(name, new FloatTensor(shape, wf));
        }
        return List.of(new InMemoryTensors(base), new InMemoryTensors(aligned), new InMemoryTensors(finetuned));
    }

    @Test
    void cellsMatchCellsComputedOnTheirOwn() throws IOException {
        List<TensorSource> models = checkpoints();
        ReferenceBases reference = new ReferenceBases(models.get(0), models.get(1), folder.resolve("cache"), "key");
        Path output = folder.resolve("output");
        // Unsorted, with a repeat: the group sorts them and keeps one of each.
        List<Double> fracs = List.of(0.75, 0.1, 0.5, 1.0, 0.5);

        for (BasisChoice basis : BasisChoice.values()) {
            try (ProjectionGroup group = ProjectionGroup.compute(models.get(1), models.get(2), reference, basis, fracs,
                    SEED, output)) {
                assertEquals(List.of(0.1, 0.5, 0.75, 1.0), group.fracs());
                for (double frac : group.fracs()) {
                    for (ProjectionMethod method : ProjectionMethod.values()) {
                        String cell = basis.label() + " " + method + " " + frac;
                        ProjectionDiagnostics grouped = new ProjectionDiagnostics();
                        ProjectionDiagnostics alone = new ProjectionDiagnostics();
                        ProjectedWeights fromGroup = group.cell(frac, method, grouped);
                        ProjectedWeights single = new ProjectedWeights(models.get(1), models.get(2), reference, basis,
                                method, frac, SEED, alone);
                        for (String name : single.names()) {
                            float[] expected = single.read(name).data();
                            float[] actual = fromGroup.read(name).data();
                            for (int i = 0; i < expected.length; i++) {
                                assertEquals(expected[i], actual[i], 2e-5, cell + " " + name + " element " + i);
                            }
                        }
                        assertEquals(single.rankLimitedTensors(), fromGroup.rankLimitedTensors(), cell);
                        assertEquals(alone.energyKeptRatio(), grouped.energyKeptRatio(), 1e-6, cell);
                        assertEquals(alone.cosineTaskKept(), grouped.cosineTaskKept(), 1e-6, cell);
                        assertEquals(alone.cosineTaskAlignment(), grouped.cosineTaskAlignment(), 1e-12, cell);
                        assertEquals(alone.isDegenerate(), grouped.isDegenerate(), cell);
                        alone.removedNormByLayer().forEach((layer, norm) -> assertEquals(norm,
                                grouped.removedNormByLayer().get(layer), 1e-5, cell + " layer " + layer));
                    }
                }
                // The zero ΔA limits every frac, the rank-2 one every frac above 2/8.
                assertEquals(1, group.cell(0.1, ProjectionMethod.SAME, new ProjectionDiagnostics())
                        .rankLimitedTensors());
                assertEquals(2, group.cell(0.5, ProjectionMethod.SAME, new ProjectionDiagnostics())
                        .rankLimitedTensors());
            }
        }
        // The scratch folders are gone, and the cache contains one SVD per matrix, the zero ΔA included,
        // each computed once for all bases and cells.
        try (Stream<Path> left = Files.list(output)) {
            assertEquals(List.of(), left.toList(), "scratch left in the output folder");
        }
        assertEquals(4, reference.computedCount(), reference.cacheSummary());
    }

    @Test
    void fullFracSameRebuildsTheFineTune() {
        // At frac 1 the top_k subspace of a wide full-rank ΔA is all of R^m: same gives WF, orth gives WA.
        List<TensorSource> models = checkpoints();
        ReferenceBases reference = new ReferenceBases(models.get(0), models.get(1), folder.resolve("cache"), "key");
        String name = "model.layers.0.mlp.down_proj.weight"; // 5 x 9: k = 5 spans R^5
        try (ProjectionGroup group = ProjectionGroup.compute(models.get(1), models.get(2), reference,
                BasisChoice.TOP_K, List.of(0.25, 1.0), SEED, folder.resolve("output"))) {
            float[] same = group.cell(1.0, ProjectionMethod.SAME, new ProjectionDiagnostics()).read(name).data();
            float[] orth = group.cell(1.0, ProjectionMethod.ORTH, new ProjectionDiagnostics()).read(name).data();
            float[] wf = models.get(2).read(name).data();
            float[] wa = models.get(1).read(name).data();
            for (int i = 0; i < wf.length; i++) {
                assertEquals(wf[i], same[i], 1e-5, "same, element " + i);
                assertEquals(wa[i], orth[i], 1e-5, "orth, element " + i);
            }
        }
    }

    @Test
    void tooLittleScratchSpaceFailsBeforeThePass() throws Exception {
        // One 128 x 128 matrix: 64 KiB of projection per frac, three fracs on a 64 KiB tmpfs.
        Random random = new Random(3);
        List<TensorSource> models = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            models.add(new InMemoryTensors(Map.of("w", new FloatTensor(new long[] {128, 128},
                    gaussian(random, 128 * 128)))));
        }
        ReferenceBases reference = new ReferenceBases(models.get(0), models.get(1), folder.resolve("cache"), "key");
        try (ScratchMount small = ScratchMount.ofSize(folder.resolve("small"), 64)) {
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> ProjectionGroup.compute(models.get(1), models.get(2), reference, BasisChoice.TOP_K,
                            List.of(0.1, 0.5, 0.9), SEED, small.folder()));
            assertTrue(error.getMessage().contains("needs 196.6 kB of scratch space in " + small.folder()
                    .toAbsolutePath() + " (3 fracs x 65.5 kB of matrices in float32)"), error.getMessage());
            assertTrue(error.getMessage().contains("sweep fewer fracs"), error.getMessage());
            try (Stream<Path> left = Files.list(small.folder())) {
                assertEquals(List.of(), left.toList(), "nothing written");
            }
        }
        assertEquals(0, reference.computedCount(), "no SVD before the check");
    }

    @Test
    void fracsOutsideTheGroupAreRejected() {
        List<TensorSource> models = checkpoints();
        ReferenceBases reference = new ReferenceBases(models.get(0), models.get(1), folder.resolve("cache"), "key");
        Path output = folder.resolve("output");
        try (ProjectionGroup group = ProjectionGroup.compute(models.get(1), models.get(2), reference,
                BasisChoice.RANDOM, List.of(0.5), SEED, output)) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> group.cell(0.25, ProjectionMethod.SAME, new ProjectionDiagnostics()));
            assertTrue(error.getMessage().contains("Frac 0.25 is not one of this group's fracs [0.5]"),
                    error.getMessage());
        }
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> ProjectionGroup.compute(models.get(1), models.get(2), reference, BasisChoice.TOP_K,
                        List.of(0.5, 1.5), SEED, output));
        assertTrue(invalid.getMessage().contains("Invalid frac 1.5"), invalid.getMessage());
        assertFalse(Files.exists(output.resolve(ProjectionGroup.SCRATCH)));
    }
}
