package io.github.safetyspaces.benchmarks;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsFile;
import io.github.safetyspaces.core.checkpoint.SafetensorsWriter;
import io.github.safetyspaces.core.engine.Engines;
import io.github.safetyspaces.core.projection.BasisChoice;
import io.github.safetyspaces.core.projection.ProjectedWeights;
import io.github.safetyspaces.core.projection.ProjectionDiagnostics;
import io.github.safetyspaces.core.projection.ProjectionMethod;
import io.github.safetyspaces.core.projection.ReferenceBases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Projects the checkpoints of {@link SyntheticCheckpoints} once (basis top_k, method orth, frac
 * 0.5), tensor by tensor into {@code projected-<pid>.safetensors}, computing every reference SVD on the
 * way with an empty cache, as a first projection of a new model does. Run it under
 * {@code /usr/bin/time -v} and read "Maximum resident set size"; the bar is printed for comparison:
 * three tensors of the largest shape plus the largest basis (m x min(m, n) left singular vectors),
 * plus a fixed overhead measured by the same run on a tiny checkpoint.
 *
 * <p>Arguments: the checkpoint folder.
 */
public final class ProjectionMemory {

    private ProjectionMemory() {
    }

    /**
     * Runs the projection and prints its size and the bar's tensor part.
     *
     * @param args {@code DIR}
     * @throws IOException if the cache folder cannot be created
     */
    public static void main(String[] args) throws IOException {
        Engines.forceOffline();
        if (args.length < 1) {
            throw new IllegalArgumentException("Usage: ProjectionMemory DIR; write DIR first with"
                    + " SyntheticCheckpoints DIR 9");
        }
        Path folder = Path.of(args[0]);
        // One output per process, so that runs with different heap settings can share the checkpoints.
        Path output = folder.resolve("projected-" + ProcessHandle.current().pid() + ".safetensors");
        Path cache = Files.createTempDirectory(folder.toAbsolutePath(), "svd-memory-");
        long started = System.nanoTime();
        try (ResidentMemory memory = new ResidentMemory();
                SafetensorsFile base = SafetensorsFile.open(folder.resolve(SyntheticCheckpoints.BASE));
                SafetensorsFile aligned = SafetensorsFile.open(folder.resolve(SyntheticCheckpoints.ALIGNED));
                SafetensorsFile finetuned = SafetensorsFile.open(folder.resolve(SyntheticCheckpoints.FINETUNED))) {
            ReferenceBases reference = new ReferenceBases(base, aligned, cache, "bench");
            ProjectedWeights weights = new ProjectedWeights(aligned, finetuned, reference, BasisChoice.TOP_K,
                    ProjectionMethod.ORTH, 0.5, 42, new ProjectionDiagnostics());
            SafetensorsWriter.write(output, weights, SafetensorsDType.F32, Map.of());

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
            System.out.printf(Locale.ROOT, "projection-memory checkpoint_bytes=%d largest_tensor_bytes=%d"
                    + " basis_bytes=%d bar_tensor_part_bytes=%d max_heap_bytes=%d seconds=%.1f %s%n", checkpointBytes,
                    largest, basis, 3 * largest + basis, Runtime.getRuntime().maxMemory(),
                    (System.nanoTime() - started) / 1e9, memory.summary());
        } finally {
            ProjectionSweepBenchmark.deleteTree(cache);
            Files.deleteIfExists(output);
        }
    }
}
