package io.github.safetyspaces.benchmarks;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.SafetensorsFile;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.engine.Engines;
import io.github.safetyspaces.core.projection.BasisChoice;
import io.github.safetyspaces.core.projection.ProjectedWeights;
import io.github.safetyspaces.core.projection.ProjectionDiagnostics;
import io.github.safetyspaces.core.projection.ProjectionGroup;
import io.github.safetyspaces.core.projection.ProjectionMethod;
import io.github.safetyspaces.core.projection.ReferenceBases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Times the projection math of a sweep of 5 fracs x 3 methods x 3 bases over the checkpoints of
 * {@link SyntheticCheckpoints}, with the SVDs computed once and per cell.
 *
 * <p>SVDs once is the project's path: one {@link ReferenceBases} and its disk cache, and per basis one
 * {@link ProjectionGroup} whose pass computes the projections of all fracs, then its 15 cells. The
 * time is split into the SVD pass (every reference SVD computed, as the first group of a sweep does),
 * the group passes and the cells. Optionally the same cells are also timed one by one, each computing
 * its own basis and projection from the cached SVDs ({@link ProjectedWeights}, the project's path
 * before groups). SVDs per cell gives each cell a fresh, empty cache folder, so it decomposes every
 * matrix again. That sweep would take 45 SVD passes, so only a sample of cells (one per basis at frac
 * 0.5, method same) is timed, and the rest is extrapolated.
 *
 * <p>Models are not evaluated: each projected tensor goes to a sink, so the times are the
 * projection's alone, and the bar's "plus the evaluations" is zero here.
 *
 * <p>Arguments: the checkpoint folder, optionally the number of per-cell samples (default 3, 0 skips
 * them), and optionally {@code single} to time the cells one by one as well.
 */
public final class ProjectionSweepBenchmark {

    /** The plugin's default fracs ({@code safety.fracs}). */
    public static final List<Double> FRACS = List.of(0.01, 0.25, 0.5, 0.75, 0.99);

    private static final long SEED = 42;

    private ProjectionSweepBenchmark() {
    }

    /**
     * Runs the benchmark and prints one result line per phase.
     *
     * @param args {@code DIR [SAMPLES]}
     * @throws IOException if a cache folder cannot be created or deleted
     */
    public static void main(String[] args) throws IOException {
        Engines.forceOffline();
        if (args.length < 1) {
            throw new IllegalArgumentException("Usage: ProjectionSweepBenchmark DIR [SAMPLES [single]]; write DIR"
                    + " first with SyntheticCheckpoints DIR 1");
        }
        Path folder = Path.of(args[0]);
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        boolean single = args.length > 2 && args[2].equals("single");
        List<BasisChoice> bases = List.of(BasisChoice.values());
        List<ProjectionMethod> methods = List.of(ProjectionMethod.values());
        int cells = bases.size() * methods.size() * FRACS.size();

        try (SafetensorsFile base = SafetensorsFile.open(folder.resolve(SyntheticCheckpoints.BASE));
                SafetensorsFile aligned = SafetensorsFile.open(folder.resolve(SyntheticCheckpoints.ALIGNED));
                SafetensorsFile finetuned = SafetensorsFile.open(folder.resolve(SyntheticCheckpoints.FINETUNED))) {
            long matrices = aligned.names().stream().filter(name -> aligned.shape(name).length == 2).count();

            // SVDs once: the SVD pass, then all cells reading the cache.
            Path cache = Files.createTempDirectory(folder.toAbsolutePath(), "svd-once-");
            ReferenceBases reference = new ReferenceBases(base, aligned, cache, "bench");
            long started = System.nanoTime();
            for (String name : aligned.names()) {
                if (aligned.shape(name).length == 2) {
                    reference.svd(name, aligned.shape(name));
                }
            }
            double svdPass = seconds(started);
            print("svd-pass", "matrices=" + matrices + " computed=" + reference.computedCount(), svdPass);

            // One group per basis: its pass, then its cells.
            Path output = Files.createTempDirectory(folder.toAbsolutePath(), "sweep-output-");
            double passes = 0;
            double cellReads = 0;
            for (BasisChoice basis : bases) {
                started = System.nanoTime();
                try (ProjectionGroup group = ProjectionGroup.compute(aligned, finetuned, reference, basis, FRACS, SEED,
                        output)) {
                    passes += seconds(started);
                    started = System.nanoTime();
                    for (double frac : FRACS) {
                        for (ProjectionMethod method : methods) {
                            ProjectionDiagnostics diagnostics = new ProjectionDiagnostics();
                            readAll(group.cell(frac, method, diagnostics), diagnostics, basis, method, frac);
                        }
                    }
                    cellReads += seconds(started);
                }
            }
            deleteTree(output);
            print("group-passes", "groups=" + bases.size() + " fracs=" + FRACS.size(), passes);
            print("cells-from-groups", "cells=" + cells, cellReads);
            double cellsOnce = passes + cellReads;
            double once = svdPass + cellsOnce;
            print("sweep-svd-once", String.format(Locale.ROOT, "cells=%d ratio_to_svd_pass=%.2f bar=%s", cells,
                    once / svdPass, once <= 1.5 * svdPass ? "met" : "missed"), once);

            // The same cells one by one, each building its basis and projection.
            double singleCells = Double.NaN;
            if (single) {
                started = System.nanoTime();
                for (BasisChoice basis : bases) {
                    for (double frac : FRACS) {
                        for (ProjectionMethod method : methods) {
                            project(aligned, finetuned, reference, basis, method, frac);
                        }
                    }
                }
                singleCells = seconds(started);
                print("cells-one-by-one", String.format(Locale.ROOT, "cells=%d ratio_to_svd_pass=%.2f", cells,
                        (svdPass + singleCells) / svdPass), singleCells);
            }
            deleteTree(cache);

            // SVDs per cell: a sample of cells, each with a fresh cache.
            if (samples > 0) {
                double extra = 0;
                double cached = 0;
                for (int sample = 0; sample < samples; sample++) {
                    BasisChoice basis = bases.get(sample % bases.size());
                    Path fresh = Files.createTempDirectory(folder.toAbsolutePath(), "svd-cell-");
                    ReferenceBases cellReference = new ReferenceBases(base, aligned, fresh, "bench");
                    started = System.nanoTime();
                    project(aligned, finetuned, cellReference, basis, ProjectionMethod.SAME, 0.5);
                    double freshSeconds = seconds(started);
                    started = System.nanoTime();
                    project(aligned, finetuned, cellReference, basis, ProjectionMethod.SAME, 0.5);
                    double cachedSeconds = seconds(started);
                    extra += freshSeconds - cachedSeconds;
                    cached += cachedSeconds;
                    print("cell-fresh-cache", "basis=" + basis.label() + " frac=0.5 method=same cached_seconds="
                            + String.format(Locale.ROOT, "%.2f", cachedSeconds), freshSeconds);
                    deleteTree(fresh);
                }
                // The cells one by one as timed above, or else as many as the samples with a warm cache.
                double perCellSvd = extra / samples;
                double perCell = (single ? singleCells : cells * cached / samples) + cells * perCellSvd;
                print("sweep-svd-per-cell-estimate", String.format(Locale.ROOT,
                        "cells=%d svd_seconds_per_cell=%.2f ratio_to_svd_once=%.2f", cells, perCellSvd, perCell / once),
                        perCell);
            }
        }
    }

    /** Projects one cell on its own and reads it into a sink. */
    private static void project(TensorSource aligned, TensorSource finetuned, ReferenceBases reference,
            BasisChoice basis, ProjectionMethod method, double frac) {
        ProjectionDiagnostics diagnostics = new ProjectionDiagnostics();
        readAll(new ProjectedWeights(aligned, finetuned, reference, basis, method, frac, SEED, diagnostics),
                diagnostics, basis, method, frac);
    }

    /** Reads every tensor of one projected model into a sink, as loading the model would. */
    private static void readAll(TensorSource weights, ProjectionDiagnostics diagnostics, BasisChoice basis,
            ProjectionMethod method, double frac) {
        double sink = 0;
        for (String name : weights.names()) {
            FloatTensor tensor = weights.read(name);
            sink += tensor.data()[tensor.data().length - 1];
        }
        if (Double.isNaN(sink) || Double.isNaN(diagnostics.energyKeptRatio())) {
            throw new IllegalStateException("Projection " + basis.label() + "/" + method + "/" + frac
                    + " produced NaN; the synthetic checkpoints are broken.");
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static void print(String phase, String details, double seconds) {
        System.out.printf(Locale.ROOT, "projection-sweep phase=%s %s seconds=%.2f%n", phase, details, seconds);
    }

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}
