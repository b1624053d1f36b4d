package io.github.safetyspaces.core.updatespaces;

import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.checkpoint.TensorSources;
import io.github.safetyspaces.core.io.AtomicFiles;
import io.github.safetyspaces.core.io.Sha256;
import io.github.safetyspaces.core.linalg.SampledBaseline;
import io.github.safetyspaces.core.linalg.SubspaceOverlap;
import io.github.safetyspaces.core.linalg.Svd;
import io.github.safetyspaces.core.linalg.SvdCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The update-spaces analysis: do the updates of different fine-tunes, and the alignment update, share
 * principal directions?
 *
 * <p>For every matrix group (see {@link MatrixGroups}) and update, the exact full-spectrum SVD gives k(η),
 * the smallest number of top singular values whose squares reach a fraction η of the update's energy
 * ({@link Svd#energyRank}), and the basis Q of the top k(η) left singular vectors. For a pair of updates
 * x and y the Mode Subspace Overlap is {@code MSO = ‖Qxᵀ Qy‖²_F / min(kx, ky)}, next to the closed-form
 * random baseline {@code max(kx, ky) / d} and, on request, a sampled one ({@link SubspaceOverlap}).
 *
 * <p>Updates: each fine-tune {@code WF - WA} under its own name, the alignment update {@code WA - W0} as
 * {@value #ALIGNMENT}, and {@code WS - WA} as {@value #SAFETY} when a safety model is given. SVDs come
 * from an {@link SvdCache} shared with the {@code project} goal.
 *
 * <p>Memory: one group is processed at a time, and for it the SVDs of all compared updates are held
 * (each m x min(m, n) float32 values), plus the update being decomposed and LAPACK's workspace.
 */
public final class UpdateSpaces {

    /** Name of the alignment update {@code WA - W0}. */
    public static final String ALIGNMENT = "alignment";

    /** Name of the safety update {@code WS - WA}. */
    public static final String SAFETY = "safety";

    /** Per-group result file. */
    public static final String CSV = "update-spaces.csv";

    /** Per-pair summary file. */
    public static final String SUMMARY_CSV = "update-spaces-summary.csv";

    /** The default energy fractions: 0.01, then 0.1 to 0.9 in steps of 0.1, then 0.99. */
    public static final List<Double> STUDY_ETAS = List.of(0.01, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99);

    private static final Logger LOG = LoggerFactory.getLogger(UpdateSpaces.class);

    /**
     * Settings of an analysis.
     *
     * @param base W0, a checkpoint directory or a llama2.c {@code .bin} file
     * @param aligned WA, a checkpoint directory
     * @param finetunes fine-tunes of WA by name, in report order; may be empty when a safety model is given
     * @param safetyModel WS, a checkpoint tuned from WA on safe responses, or null
     * @param pairs the pairs to compare; empty compares every pair of updates
     * @param granularities tensor, layer or both, in output order
     * @param etas energy fractions, each in (0, 1]
     * @param sampledBaselineTrials random subspace pairs per sampled baseline; 0 turns it off, else at least 2
     * @param seed seed of the sampled baselines
     * @param output folder of the two CSV files
     * @param cacheRoot folder of the SVD cache
     */
    public record Request(Path base, Path aligned, Map<String, Path> finetunes, Path safetyModel,
            List<UpdatePair> pairs, List<Granularity> granularities, List<Double> etas, int sampledBaselineTrials,
            long seed, Path output, Path cacheRoot) {

        /** Checks the settings, including that every pair names a known update. */
        public Request {
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(aligned, "aligned");
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(cacheRoot, "cacheRoot");
            finetunes = new LinkedHashMap<>(finetunes);
            pairs = List.copyOf(pairs);
            granularities = List.copyOf(granularities);
            etas = List.copyOf(etas);
            for (String name : finetunes.keySet()) {
                requireUpdateName(name);
            }
            requireEtas(etas);
            if (granularities.isEmpty() || new HashSet<>(granularities).size() != granularities.size()) {
                throw new IllegalArgumentException("Invalid granularities " + granularities + ": give tensor, layer or"
                        + " both, each once.");
            }
            if (sampledBaselineTrials == 1 || sampledBaselineTrials < 0) {
                throw new IllegalArgumentException("Invalid sampledBaselineTrials " + sampledBaselineTrials + ": use 0"
                        + " for no sampled baseline, or at least 2 trials for a mean and a standard deviation.");
            }
            List<String> names = updateNames(finetunes, safetyModel);
            if (names.size() < 2) {
                throw new IllegalArgumentException("Only the alignment update is available, so there is nothing to"
                        + " compare it with; give at least one fine-tune or a safety model.");
            }
            Set<String> seen = new HashSet<>();
            for (UpdatePair pair : pairs) {
                for (String name : List.of(pair.x(), pair.y())) {
                    if (!names.contains(name)) {
                        String hint = name.equals(SAFETY) ? "; give a safety model to add the safety update" : "";
                        throw new IllegalArgumentException("The pair " + pair.label() + " names the unknown update '"
                                + name + "'; the updates are " + names + hint + ".");
                    }
                }
                if (!seen.add(pair.x() + ":" + pair.y()) || !seen.add(pair.y() + ":" + pair.x())) {
                    throw new IllegalArgumentException("The pair " + pair.label() + " is listed twice; MSO is"
                            + " symmetric, so list each pair once.");
                }
            }
        }

        /** Returns the update names in report order: the fine-tunes, then alignment, then safety if given. */
        public List<String> updateNames() {
            return updateNames(finetunes, safetyModel);
        }

        /** Returns the requested pairs, or every pair of updates when none were requested. */
        public List<UpdatePair> effectivePairs() {
            return pairs.isEmpty() ? UpdatePair.allOf(updateNames()) : pairs;
        }

        private static List<String> updateNames(Map<String, Path> finetunes, Path safetyModel) {
            List<String> names = new ArrayList<>(finetunes.keySet());
            names.add(ALIGNMENT);
            if (safetyModel != null) {
                names.add(SAFETY);
            }
            return names;
        }

        private static void requireUpdateName(String name) {
            if (name == null || name.isBlank() || name.contains(":") || name.contains(",") || name.contains("=")) {
                throw new IllegalArgumentException("Invalid fine-tune name '" + name + "': use a non-empty name"
                        + " without ':', ',' or '=', because pairs are written as x:y.");
            }
            if (name.equals(ALIGNMENT) || name.equals(SAFETY)) {
                throw new IllegalArgumentException("The fine-tune name '" + name + "' is reserved for the "
                        + (name.equals(ALIGNMENT) ? "alignment update WA - W0" : "safety update WS - WA")
                        + "; rename the fine-tune.");
            }
        }

        private static void requireEtas(List<Double> etas) {
            if (etas.isEmpty()) {
                throw new IllegalArgumentException("No energy fractions given; use for example 0.5,0.9.");
            }
            for (double eta : etas) {
                if (!(eta > 0 && eta <= 1)) {
                    throw new IllegalArgumentException("Invalid energy fraction " + eta + ": every eta must be in"
                            + " (0, 1].");
                }
            }
            if (new HashSet<>(etas).size() != etas.size()) {
                throw new IllegalArgumentException("The energy fractions " + etas + " repeat a value; list each once.");
            }
        }
    }

    /**
     * Outcome of an analysis.
     *
     * @param csv the per-group CSV file
     * @param summaryCsv the per-pair summary CSV file
     * @param rows the number of per-group rows
     * @param degenerateRows rows where an update had no energy in the group
     * @param svdsComputed SVDs computed by LAPACK; 0 when the cache held them all
     * @param svdsReused SVDs read from the cache
     */
    public record Result(Path csv, Path summaryCsv, int rows, int degenerateRows, int svdsComputed, int svdsReused) {
    }

    private UpdateSpaces() {
    }

    /**
     * Runs the analysis and writes {@value #CSV} and {@value #SUMMARY_CSV} into the output folder. Both
     * files are formatted completely before either is written, and each is written atomically, so a failed
     * run leaves the previous files in place.
     *
     * @param request settings
     * @return the files and counts
     * @throws IllegalArgumentException if a checkpoint is missing or its tensors differ from the aligned
     *     model's in name or shape
     */
    public static Result run(Request request) {
        long started = System.nanoTime();
        List<UpdatePair> pairs = request.effectivePairs();
        SvdCache cache = new SvdCache(request.cacheRoot());
        List<OverlapRow> rows = new ArrayList<>();
        List<TensorSource> opened = new ArrayList<>();

        try {
            // Open the checkpoints and check them against WA before any SVD.
            TensorSource aligned = open(request.aligned(), opened);
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (String name : aligned.names()) {
                shapes.put(name, aligned.shape(name));
            }
            Map<String, WeightUpdate> updates = openUpdates(request, pairs, aligned, opened);
            LOG.info("Comparing {} pair(s) of updates {} at {} energy fraction(s); SVD cache {}", pairs.size(),
                    updates.keySet(), request.etas().size(), cache.root());

            // Decompose each group's updates and compare every pair at every eta.
            Map<List<Integer>, SampledBaseline> sampled = new HashMap<>();
            for (Granularity granularity : request.granularities()) {
                compareGroups(granularity, shapes, updates, pairs, request, cache, sampled, rows);
            }
        } finally {
            closeAll(opened);
        }

        return writeTables(request, rows, cache, started);
    }

    /** Opens the checkpoints of the updates that the pairs use, in report order, each checked against WA. */
    private static Map<String, WeightUpdate> openUpdates(Request request, List<UpdatePair> pairs,
            TensorSource aligned, List<TensorSource> opened) {
        Set<String> used = new LinkedHashSet<>();
        pairs.forEach(pair -> used.addAll(List.of(pair.x(), pair.y())));
        Map<Path, String> digests = new HashMap<>();
        Map<String, WeightUpdate> updates = new LinkedHashMap<>();
        for (Map.Entry<String, Path> finetune : request.finetunes().entrySet()) {
            if (used.contains(finetune.getKey())) {
                updates.put(finetune.getKey(), update(finetune.getKey(), request.aligned(), aligned,
                        finetune.getValue(), "Fine-tune '" + finetune.getKey() + "'", false, digests, opened));
            }
        }
        if (used.contains(ALIGNMENT)) {
            updates.put(ALIGNMENT, update(ALIGNMENT, request.aligned(), aligned, request.base(), "The base model",
                    true, digests, opened));
        }
        if (used.contains(SAFETY)) {
            updates.put(SAFETY, update(SAFETY, request.aligned(), aligned, request.safetyModel(), "The safety model",
                    false, digests, opened));
        }
        return updates;
    }

    /** Decomposes every update of every group of one granularity and adds the rows of all pairs and etas. */
    private static void compareGroups(Granularity granularity, Map<String, long[]> shapes,
            Map<String, WeightUpdate> updates, List<UpdatePair> pairs, Request request, SvdCache cache,
            Map<List<Integer>, SampledBaseline> sampled, List<OverlapRow> rows) {
        long started = System.nanoTime();
        List<MatrixGroup> groups = MatrixGroups.partition(shapes, granularity);
        if (groups.isEmpty()) {
            LOG.warn("No {} groups: the aligned model has no tensors that form one.", granularity.label());
        }
        for (int i = 0; i < groups.size(); i++) {
            MatrixGroup group = groups.get(i);
            int computedBefore = cache.computedCount();
            Map<String, Svd> svds = new LinkedHashMap<>();
            for (WeightUpdate update : updates.values()) {
                svds.put(update.name(), cache.leftSvd(update.cacheKey(), group.cacheEntry(), group.tensors(),
                        group.rows(), group.columns(), () -> update.matrix(group)));
            }
            compare(group, pairs, svds, request, sampled, rows);
            logProgress(granularity, i + 1, groups.size(), group, cache.computedCount() - computedBefore,
                    svds.size(), started);
        }
    }

    /** Formats both tables, then writes each atomically. */
    private static Result writeTables(Request request, List<OverlapRow> rows, SvdCache cache, long started) {
        boolean withSampled = request.sampledBaselineTrials() > 0;
        String table = OverlapTables.overlaps(rows, withSampled, SvdCache.PRECISION);
        String summary = OverlapTables.summary(rows);
        AtomicFiles.createDirectories(request.output(), "output folder");
        Path csv = request.output().resolve(CSV);
        Path summaryCsv = request.output().resolve(SUMMARY_CSV);
        // One group, so that a run killed while writing never leaves a new table beside an old one. The
        // summary, which expectations usually read, is the main file: it appears last.
        Map<Path, String> tables = new LinkedHashMap<>();
        tables.put(summaryCsv, summary);
        tables.put(csv, table);
        AtomicFiles.writeGroup(tables);

        int degenerate = (int) rows.stream().filter(OverlapRow::degenerate).count();
        LOG.info("SVDs: {}", cache.summary());
        LOG.info("Wrote {} rows to {} ({} degenerate) and the summary to {} in {} s", rows.size(), csv, degenerate,
                summaryCsv, Math.round((System.nanoTime() - started) / 1e9));
        return new Result(csv, summaryCsv, rows.size(), degenerate, cache.computedCount(), cache.reusedCount());
    }

    /**
     * Opens the other checkpoint of an update, checks its tensors against WA and returns the update,
     * {@code WA - other} when {@code alignedIsNewer}, else {@code other - WA}.
     */
    private static WeightUpdate update(String name, Path alignedPath, TensorSource aligned, Path otherPath,
            String otherLabel, boolean alignedIsNewer, Map<Path, String> digests, List<TensorSource> opened) {
        TensorSource other = open(otherPath, opened);
        TensorSources.requireSameTensors(aligned, "the aligned model", other, otherLabel,
                "Every checkpoint must have the aligned model's architecture.");
        String alignedDigest = digests.computeIfAbsent(alignedPath, UpdateSpaces::digest);
        String otherDigest = digests.computeIfAbsent(otherPath, UpdateSpaces::digest);
        return alignedIsNewer
                ? new WeightUpdate(name, other, aligned, SvdCache.updateKeyOfDigests(otherDigest, alignedDigest))
                : new WeightUpdate(name, aligned, other, SvdCache.updateKeyOfDigests(alignedDigest, otherDigest));
    }

    /** Adds one row per pair and eta of one group. */
    private static void compare(MatrixGroup group, List<UpdatePair> pairs, Map<String, Svd> svds, Request request,
            Map<List<Integer>, SampledBaseline> sampled, List<OverlapRow> rows) {
        for (UpdatePair pair : pairs) {
            Svd x = svds.get(pair.x());
            Svd y = svds.get(pair.y());
            for (double eta : request.etas()) {
                int kx = x.energyRank(eta);
                int ky = y.energyRank(eta);
                if (kx == 0 || ky == 0) {
                    rows.add(new OverlapRow(group, pair, eta, kx, ky, OptionalDouble.empty(), null));
                    continue;
                }
                double mso = SubspaceOverlap.modeSubspaceOverlap(x, kx, y, ky);
                SampledBaseline baseline = null;
                if (request.sampledBaselineTrials() > 0) {
                    // The sample depends only on (d, kx, ky) and the seed, so equal sizes share one sample.
                    baseline = sampled.computeIfAbsent(List.of(group.rows(), kx, ky),
                            sizes -> SubspaceOverlap.sampledBaseline(group.rows(), kx, ky,
                                    request.sampledBaselineTrials(), request.seed(), SvdCache.PRECISION));
                }
                rows.add(new OverlapRow(group, pair, eta, kx, ky, OptionalDouble.of(mso), baseline));
            }
        }
    }

    private static String digest(Path checkpoint) {
        LOG.info("Hashing {} for the SVD cache key", checkpoint);
        return Sha256.ofPath(checkpoint);
    }

    private static TensorSource open(Path checkpoint, List<TensorSource> opened) {
        TensorSource source = LanguageModel.openWeights(checkpoint);
        opened.add(source);
        return source;
    }

    private static void closeAll(List<TensorSource> opened) {
        for (TensorSource source : opened) {
            source.close();
        }
    }

    private static void logProgress(Granularity granularity, int done, int total, MatrixGroup group, int computed,
            int updates, long started) {
        double seconds = (System.nanoTime() - started) / 1e9;
        LOG.info("{} group {}/{}: {} ({} x {}), {} of {} SVDs computed, the rest read from the cache | {} s left",
                granularity.label(), done, total, group.name(), group.rows(), group.columns(), computed, updates,
                Math.round(seconds / done * (total - done)));
    }
}
