package io.github.safetyspaces.benchmarks;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsFile;
import io.github.safetyspaces.core.checkpoint.SafetensorsWriter;
import io.github.safetyspaces.core.engine.Engines;
import io.github.safetyspaces.core.projection.BasisChoice;
import io.github.safetyspaces.core.projection.ProjectionDiagnostics;
import io.github.safetyspaces.core.projection.ProjectionGroup;
import io.github.safetyspaces.core.projection.ProjectionMethod;
import io.github.safetyspaces.core.projection.ReferenceBases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures the memory of projecting the checkpoints of {@link SyntheticCheckpoints} in two phases, each
 * its own process to run under {@code /usr/bin/time -v} ("Maximum resident set size"):
 *
 * <ul>
 *   <li>{@code svd}: computes every reference SVD into the cache folder, as the {@code update-spaces}
 *       goal or the first projection of a new model does;
 *   <li>{@code project}: with that cache warm, the project's path for one cell (basis top_k, frac 0.5,
 *       method orth): a {@link ProjectionGroup} pass, then the cell's weights streamed tensor by tensor
 *       into {@code projected-<pid>.safetensors}.
 * </ul>
 *
 * <p>The bar of the {@code project} phase is printed for comparison: three tensors of the largest shape
 * plus the largest basis (m x min(m, n) left singular vectors), plus a fixed overhead measured by the
 * same phase on a tiny checkpoint.
 *
 * <p>Arguments: the checkpoint folder, the cache folder and the phase.
 */
public final class ProjectionMemory {

    private ProjectionMemory() {
    }

    /**
     * Runs one phase and prints the sizes the bar is made of.
     *
     * @param args {@code DIR CACHE svd|project}
     * @throws IOException if an output file cannot be deleted
     */
    public static void main(String[] args) throws IOException {
        Engines.forceOffline();
        if (args.length != 3 || !List.of("svd", "project").contains(args[2])) {
            throw new IllegalArgumentException("Usage: ProjectionMemory DIR CACHE svd|project; write DIR first with"
                    + " SyntheticCheckpoints DIR 9, and run the svd phase before the project phase");
        }
        Path folder = Path.of(args[0]);
        Path cache = Path.of(args[1]);
        boolean svdPhase = args[2].equals("svd");
        // One output per process, so that runs with different heap settings can share the checkpoints.
        Path output = folder.resolve("projected-" + ProcessHandle.current().pid() + ".safetensors");
        Path scratch = folder.resolve("scratch-" + ProcessHandle.current().pid());
        long started = System.nanoTime();
        try (ResidentMemory memory = new ResidentMemory();
                SafetensorsFile base = SafetensorsFile.open(folder.resolve(SyntheticCheckpoints.BASE));
                SafetensorsFile aligned = SafetensorsFile.open(folder.resolve(SyntheticCheckpoints.ALIGNED));
                SafetensorsFile finetuned = SafetensorsFile.open(folder.resolve(SyntheticCheckpoints.FINETUNED))) {
            ReferenceBases reference = new ReferenceBases(base, aligned, cache, "bench");
            if (svdPhase) {
                for (String name : aligned.names()) {
                    if (aligned.shape(name).length == 2) {
                        reference.svd(name, aligned.shape(name));
                    }
                }
            } else {
                try (ProjectionGroup group = ProjectionGroup.compute(aligned, finetuned, reference, BasisChoice.TOP_K,
                        List.of(0.5), 42, scratch)) {
                    SafetensorsWriter.write(output, group.cell(0.5, ProjectionMethod.ORTH, new ProjectionDiagnostics()),
                            SafetensorsDType.F32, Map.of());
                }
                if (reference.computedCount() > 0) {
                    System.out.println("projection-memory warning: the cache lacked " + reference.computedCount()
                            + " SVDs, so this run computed them; run the svd phase first");
                }
            }

            // The bar's tensor part: three of the largest tensor plus the largest basis (m x min(m, n)).
            long largest = 0;
            long basis = 0;
            for (String name : aligned.names()) {
                long[] shape = aligned.shape(name);
                largest = Math.max(largest, FloatTensor.elementCount(shape) * Float.BYTES);
                if (shape.length == 2) {
                    basis = Math.max(basis, shape[0] * Math.min(shape[0], shape[1]) * Float.BYTES);
                }
            }
            long checkpointBytes = Files.size(folder.resolve(SyntheticCheckpoints.ALIGNED));
            System.out.printf(Locale.ROOT, "projection-memory phase=%s checkpoint_bytes=%d largest_tensor_bytes=%d"
                    + " basis_bytes=%d bar_tensor_part_bytes=%d max_heap_bytes=%d seconds=%.1f %s%n", args[2],
                    checkpointBytes, largest, basis, 3 * largest + basis, Runtime.getRuntime().maxMemory(),
                    (System.nanoTime() - started) / 1e9, memory.summary());
        } finally {
            Files.deleteIfExists(output);
            if (Files.exists(scratch)) {
                ProjectionSweepBenchmark.deleteTree(scratch);
            }
        }
    }
}
