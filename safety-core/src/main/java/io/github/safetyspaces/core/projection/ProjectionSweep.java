package io.github.safetyspaces.core.projection;

import static io.github.safetyspaces.core.io.CsvTables.formatNumber;

import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.checkpoint.AtomicDirectory;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.checkpoint.TensorSources;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.io.AtomicFiles;
import io.github.safetyspaces.core.io.CsvTables;
import io.github.safetyspaces.core.linalg.SvdCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The study's projection sweep: for every fine-tune, basis choice, frac and method, project the
 * task update onto a subspace of the alignment update, measure the projected model, and write
 * {@code projection.csv} (one row per cell, plus unprojected reference rows) and
 * {@code projection-layers.csv} (removed energy per decoder layer).
 *
 * <p>Each reference SVD is computed once (see {@link ReferenceBases}). For each fine-tune and basis
 * choice, one pass computes the projections of every frac ({@link ProjectionGroup}), and the cells of
 * all fracs and methods are then built from them; each projected model is streamed into the decoder
 * one tensor at a time.
 */
public final class ProjectionSweep {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionSweep.class);

    /** Main result file. */
    public static final String CSV = "projection.csv";

    /** Per-layer result file. */
    public static final String LAYERS_CSV = "projection-layers.csv";

    /** Fixed leading columns of {@link #CSV}; the metric columns follow in the order the metrics return them. */
    public static final List<String> COLUMNS = List.of("finetune", "basis", "method", "frac", "energy_kept",
            "cos_task_kept", "cos_task_align", "rank_limited_tensors", "degenerate");

    /** Measures a model, for example its utility and harmfulness; values by metric name, in a stable order. */
    @FunctionalInterface
    public interface ModelMetrics {
        /**
         * Measures one model.
         *
         * @param model the model
         * @param label names the model in logs and output files, for example {@code useful-top_k-same-0.5}
         * @return metric values by name
         */
        Map<String, Double> measure(LanguageModel model, String label);
    }

    /**
     * Settings of a sweep.
     *
     * @param base W0
     * @param aligned WA
     * @param finetunes fine-tunes of WA by name
     * @param bases basis choices
     * @param methods projection methods
     * @param fracs subspace fractions, each in (0, 1]
     * @param seed seed of the random bases
     * @param output folder of the CSV files, and of projected checkpoints when written. During the sweep
     *     it also contains scratch files of the fracs times the checkpoint's matrices in float32.
     * @param cacheRoot folder of the SVD cache
     * @param device where models are evaluated
     * @param writeCheckpoints whether to save every projected model under {@code output/checkpoints}
     */
    public record Request(Path base, Path aligned, Map<String, Path> finetunes, List<BasisChoice> bases,
            List<ProjectionMethod> methods, List<Double> fracs, long seed, Path output, Path cacheRoot,
            ComputeDevice device, boolean writeCheckpoints) {

        /** Checks the settings. */
        public Request {
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(aligned, "aligned");
            finetunes = new LinkedHashMap<>(finetunes);
            bases = List.copyOf(bases);
            methods = List.copyOf(methods);
            fracs = List.copyOf(fracs);
            if (finetunes.isEmpty() || bases.isEmpty() || methods.isEmpty() || fracs.isEmpty()) {
                throw new IllegalArgumentException("A projection sweep needs at least one fine-tune, basis, method"
                        + " and frac.");
            }
            fracs.forEach(ProjectedWeights::requireValidFrac);
        }
    }

    /**
     * Outcome of a sweep.
     *
     * @param csv the main CSV file
     * @param svdsComputed reference SVDs computed by LAPACK in this sweep; 0 when the cache had them all
     */
    public record Result(Path csv, int svdsComputed) {
    }

    private ProjectionSweep() {
    }

    /**
     * Runs the sweep and writes the CSV files.
     *
     * @param request settings
     * @param metrics what is measured on each model
     * @return the CSV path and the number of SVDs computed
     */
    public static Result run(Request request, ModelMetrics metrics) {
        long started = System.nanoTime();
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> layerRows = new ArrayList<>();
        List<String> metricNames = new ArrayList<>();
        int svdsComputed;

        try (TensorSource baseWeights = LanguageModel.openWeights(request.base());
                TensorSource alignedWeights = LanguageModel.openWeights(request.aligned());
                LanguageModel aligned = LanguageModel.open(request.aligned(), null, request.device())) {
            ReferenceBases reference = new ReferenceBases(baseWeights, alignedWeights, request.cacheRoot(),
                    SvdCache.updateKey(request.base(), request.aligned()));

            // Every fine-tune must match the aligned model, checked before minutes of evaluation.
            for (Map.Entry<String, Path> finetune : request.finetunes().entrySet()) {
                try (TensorSource finetuned = LanguageModel.openWeights(finetune.getValue())) {
                    TensorSources.requireSameTensors(alignedWeights, "the aligned model", finetuned,
                            "Fine-tune '" + finetune.getKey() + "'",
                            "A fine-tune must start from the aligned checkpoint.");
                }
            }

            // Reference rows: the base, aligned and unprojected fine-tuned models.
            try (LanguageModel base = aligned.withWeights(baseWeights)) {
                rows.add(referenceRow("base", metrics.measure(base, "base"), metricNames));
            }
            rows.add(referenceRow("aligned", metrics.measure(aligned, "aligned"), metricNames));

            int cells = request.finetunes().size() * request.bases().size() * request.fracs().size()
                    * request.methods().size();
            int done = 0;
            for (Map.Entry<String, Path> finetune : request.finetunes().entrySet()) {
                try (TensorSource finetuned = LanguageModel.openWeights(finetune.getValue())) {
                    try (LanguageModel model = aligned.withWeights(finetuned)) {
                        rows.add(referenceRow(finetune.getKey(), metrics.measure(model, finetune.getKey()),
                                metricNames));
                    }

                    // The grid of projected models: one pass over the checkpoints per basis, then its cells.
                    for (BasisChoice basis : request.bases()) {
                        try (ProjectionGroup group = ProjectionGroup.compute(alignedWeights, finetuned, reference,
                                basis, request.fracs(), request.seed(), request.output())) {
                            for (double frac : request.fracs()) {
                                for (ProjectionMethod method : request.methods()) {
                                    String label = finetune.getKey() + "-" + basis.label() + "-" + method.name()
                                            .toLowerCase(Locale.ROOT) + "-" + frac;
                                    ProjectionDiagnostics diagnostics = new ProjectionDiagnostics();
                                    ProjectedWeights weights = group.cell(frac, method, diagnostics);
                                    Map<String, Double> values = measureCell(request, metrics, aligned, weights,
                                            label);
                                    rows.add(cellRow(finetune.getKey(), basis, method, frac, diagnostics,
                                            weights.rankLimitedTensors(), values, metricNames));
                                    diagnostics.removedNormByLayer().forEach((layer, norm) -> layerRows.add(List.of(
                                            finetune.getKey(), basis.label(), method.name().toLowerCase(Locale.ROOT),
                                            formatNumber(frac), Integer.toString(layer), formatNumber(norm))));
                                    done++;
                                    double seconds = (System.nanoTime() - started) / 1e9;
                                    LOG.info("Projection {}/{}: {} {} | {} s left", done, cells, label,
                                            values, Math.round(seconds / done * (cells - done)));
                                }
                            }
                        }
                    }
                }
            }
            LOG.info("Reference SVDs: {}", reference.cacheSummary());
            svdsComputed = reference.computedCount();
        }

        // Results, each file written whole.
        List<String> header = new ArrayList<>(COLUMNS);
        header.addAll(metricNames);
        Path csv = request.output().resolve(CSV);
        AtomicFiles.createDirectories(request.output(), "output folder");
        // One group, so that a run killed while writing never leaves a new table beside an old one.
        Map<Path, String> tables = new LinkedHashMap<>();
        tables.put(csv, CsvTables.toCsv(header, rows));
        tables.put(request.output().resolve(LAYERS_CSV), CsvTables.toCsv(List.of("finetune", "basis", "method",
                "frac", "layer", "removed_norm"), layerRows));
        AtomicFiles.writeGroup(tables);
        LOG.info("Wrote {} and {} in {} s", csv, LAYERS_CSV, Math.round((System.nanoTime() - started) / 1e9));
        return new Result(csv, svdsComputed);
    }

    /** Measures one projected model, and saves it when the request includes checkpoints. */
    private static Map<String, Double> measureCell(Request request, ModelMetrics metrics, LanguageModel aligned,
            ProjectedWeights weights, String label) {
        try (LanguageModel projected = aligned.withWeights(weights)) {
            Map<String, Double> values = metrics.measure(projected, label);
            if (request.writeCheckpoints()) {
                AtomicDirectory.replace(request.output().resolve("checkpoints").resolve(label),
                        dir -> projected.save(dir, SafetensorsDType.F32));
            }
            return values;
        }
    }

    private static List<String> referenceRow(String model, Map<String, Double> values, List<String> metricNames) {
        List<String> row = new ArrayList<>(List.of(model, "none", "none", "", "", "", "", "", ""));
        appendMetrics(row, values, metricNames);
        return row;
    }

    private static List<String> cellRow(String finetune, BasisChoice basis, ProjectionMethod method, double frac,
            ProjectionDiagnostics diagnostics, int rankLimited, Map<String, Double> values, List<String> metricNames) {
        List<String> row = new ArrayList<>(List.of(finetune, basis.label(), method.name().toLowerCase(Locale.ROOT),
                formatNumber(frac), formatNumber(diagnostics.energyKeptRatio()),
                formatNumber(diagnostics.cosineTaskKept()), formatNumber(diagnostics.cosineTaskAlignment()),
                Integer.toString(rankLimited),
                Boolean.toString(diagnostics.isDegenerate())));
        appendMetrics(row, values, metricNames);
        return row;
    }

    private static void appendMetrics(List<String> row, Map<String, Double> values, List<String> metricNames) {
        if (metricNames.isEmpty()) {
            metricNames.addAll(values.keySet());
        }
        if (!metricNames.equals(new ArrayList<>(values.keySet()))) {
            throw new IllegalStateException("Metrics " + values.keySet() + " differ from the first model's "
                    + metricNames + "; every model must report the same metrics.");
        }
        values.values().forEach(value -> row.add(formatNumber(value)));
    }
}
