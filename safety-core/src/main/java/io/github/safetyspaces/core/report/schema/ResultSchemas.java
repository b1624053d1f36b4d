package io.github.safetyspaces.core.report.schema;

import static io.github.safetyspaces.core.report.schema.ValueRange.COSINE;
import static io.github.safetyspaces.core.report.schema.ValueRange.NON_NEGATIVE;
import static io.github.safetyspaces.core.report.schema.ValueRange.POSITIVE_UNIT;
import static io.github.safetyspaces.core.report.schema.ValueRange.UNIT;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The schemas of the CSV files that the goals write. Files of other names get only the generic checks
 * of {@link io.github.safetyspaces.core.report.ResultFiles}. Each schema follows the writer named in
 * its Javadoc, and a test compares the column names with the writers' constants.
 */
public final class ResultSchemas {

    /**
     * {@code models/<id>/train-log.csv}, one row per optimizer step; written by {@code TrainingLogCsv}.
     * The optional last column {@code elapsed_seconds} is a legacy column: earlier versions wrote it, and
     * a model they trained keeps its fingerprint, so its old log stays in place after an upgrade.
     */
    public static final FileSchema TRAINING_LOG = FileSchema.builder("train-log.csv", "train-log.csv", "finetune")
            .integer("step", ValueRange.atLeast(1))
            .decimal("epoch", NON_NEGATIVE)
            .decimal("loss", NON_NEGATIVE)
            .decimal("learning_rate", NON_NEGATIVE)
            .decimal("grad_norm", NON_NEGATIVE)
            .integer("tokens", NON_NEGATIVE)
            .decimal("elapsed_seconds", NON_NEGATIVE).optionalColumn()
            .keys("step")
            .build();

    /**
     * {@code projection/projection.csv}, one row per projected model and one reference row per
     * unprojected model; written by {@code ProjectionSweep} with the metrics of the {@code project} goal.
     * Reference rows have basis and method {@code none} and leave frac and the diagnostics empty.
     */
    public static final FileSchema PROJECTION = FileSchema.builder("projection.csv", "projection.csv", "project")
            .text("finetune")
            .text("basis", "none", "top_k", "random", "random_k")
            .text("method", "none", "same", "orth", "opp")
            .decimal("frac", POSITIVE_UNIT).emptyWhen("basis=none")
            .decimal("energy_kept", UNIT).emptyWhen("basis=none")
            .decimal("cos_task_kept", COSINE).emptyWhen("basis=none")
            .decimal("cos_task_align", COSINE).emptyWhen("basis=none")
            .integer("rank_limited_tensors", NON_NEGATIVE).emptyWhen("basis=none")
            .bool("degenerate").emptyWhen("basis=none")
            .decimal("utility_strict", UNIT)
            .decimal("utility_flexible", UNIT)
            .decimal("harmfulness", UNIT)
            .decimal("refusal_rate", UNIT)
            .keys("finetune", "basis", "method", "frac")
            .build();

    /**
     * {@code projection/projection-layers.csv}, the removed norm per projected model and decoder layer
     * (layer -1 for the tensors outside the decoder layers); written by {@code ProjectionSweep}.
     */
    public static final FileSchema PROJECTION_LAYERS = FileSchema.builder("projection-layers.csv",
                    "projection-layers.csv", "project")
            .text("finetune")
            .text("basis", "top_k", "random", "random_k")
            .text("method", "same", "orth", "opp")
            .decimal("frac", POSITIVE_UNIT)
            .integer("layer", ValueRange.atLeast(-1))
            .decimal("removed_norm", NON_NEGATIVE)
            .keys("finetune", "basis", "method", "frac", "layer")
            .build();

    /**
     * {@code update-spaces/update-spaces.csv}, one row per group, pair and η; written by
     * {@code OverlapTables}. MSO and the baselines are empty exactly in degenerate rows, and the
     * sampled-baseline columns are present only when sampled baselines were requested.
     */
    public static final FileSchema UPDATE_SPACES = FileSchema.builder("update-spaces.csv", "update-spaces.csv",
                    "update-spaces")
            .text("granularity", "tensor", "layer")
            .text("group")
            .integer("layer", ValueRange.atLeast(-1))
            .text("x")
            .text("y")
            .decimal("eta", POSITIVE_UNIT)
            .integer("kx", NON_NEGATIVE)
            .integer("ky", NON_NEGATIVE)
            .integer("d", ValueRange.atLeast(1))
            .integer("columns", ValueRange.atLeast(1))
            .decimal("mso", UNIT).emptyWhen("degenerate=true")
            .decimal("random_baseline", UNIT).emptyWhen("degenerate=true")
            .decimal("sampled_baseline_mean", UNIT).emptyWhen("degenerate=true").optionalColumn()
            .decimal("sampled_baseline_std", NON_NEGATIVE).emptyWhen("degenerate=true").optionalColumn()
            .bool("degenerate")
            .text("precision", "float32", "float64")
            .keys("granularity", "group", "x", "y", "eta")
            .build();

    /**
     * {@code update-spaces/update-spaces-summary.csv}, the means per granularity, pair and η over the
     * non-degenerate groups; written by {@code OverlapTables}. The means are empty when no group counts.
     */
    public static final FileSchema UPDATE_SPACES_SUMMARY = FileSchema.builder("update-spaces-summary.csv",
                    "update-spaces-summary.csv", "update-spaces")
            .text("granularity", "tensor", "layer")
            .text("x")
            .text("y")
            .decimal("eta", POSITIVE_UNIT)
            .decimal("mean_mso", UNIT).emptyWhen("groups=0")
            .decimal("mean_random_baseline", UNIT).emptyWhen("groups=0")
            .integer("groups", NON_NEGATIVE)
            .integer("degenerate_groups", NON_NEGATIVE)
            .keys("granularity", "x", "y", "eta")
            .build();

    /**
     * {@code activations/activations-<model>.csv}, one row per hidden state, pair of prompt sets, η and
     * centring; written by {@code OverlapCsv}. MSO and baseline are empty when either set spans no
     * subspace (k = 0).
     */
    public static final FileSchema ACTIVATIONS = FileSchema.builder("activations-<model>.csv", "activations-*.csv",
                    "activations")
            .text("model")
            .integer("layer", NON_NEGATIVE)
            .text("pair")
            .decimal("eta", POSITIVE_UNIT)
            .bool("centred")
            .integer("kx", NON_NEGATIVE)
            .integer("ky", NON_NEGATIVE)
            .integer("D", ValueRange.atLeast(1))
            .decimal("mso", UNIT).emptyWhen("kx=0", "ky=0")
            .decimal("random_baseline", UNIT).emptyWhen("kx=0", "ky=0")
            .keys("model", "layer", "pair", "eta", "centred")
            .build();

    /** Every schema, in the order of the goals that write the files. */
    public static final List<FileSchema> ALL = List.of(TRAINING_LOG, PROJECTION, PROJECTION_LAYERS, UPDATE_SPACES,
            UPDATE_SPACES_SUMMARY, ACTIVATIONS);

    private ResultSchemas() {
    }

    /**
     * Finds the schema of a file by its name.
     *
     * @param file a result file
     * @return its schema, or empty for a file that no goal of this plugin writes
     */
    public static Optional<FileSchema> forFile(Path file) {
        return ALL.stream().filter(schema -> schema.appliesTo(file)).findFirst();
    }
}
