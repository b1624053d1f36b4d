package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.updatespaces.Granularity;
import io.github.safetyspaces.core.updatespaces.UpdatePair;
import io.github.safetyspaces.core.updatespaces.UpdateSpaces;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Measures how much the principal directions of weight updates overlap: the Mode Subspace Overlap of
 * every pair of updates (fine-tunes {@code WF - WA}, the alignment update {@code WA - W0} and optionally a
 * safety update {@code WS - WA}) per tensor and per decoder layer, at each energy fraction. Writes
 * {@code update-spaces.csv} and {@code update-spaces-summary.csv}. See docs/update-spaces.md for the
 * definitions and columns.
 *
 * <p>The inputs {@code base}, {@code aligned}, {@code finetunes} and {@code svdCache} come from
 * {@link AbstractUpdatesMojo}, and {@code seed} has the {@code project} goal's name and property, so one
 * plugin-level configuration serves both goals, and both goals share the SVDs of the alignment update.
 * The names {@code alignment} and {@code safety} are reserved and cannot name a fine-tune.
 */
@Mojo(name = "update-spaces", defaultPhase = LifecyclePhase.PACKAGE, requiresProject = false, threadSafe = true)
public class UpdateSpacesMojo extends AbstractUpdatesMojo {

    /**
     * WS: a checkpoint tuned from WA on safe responses; its update {@code WS - WA} is compared under the
     * name {@code safety}. Unset leaves the safety update out.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.safetyModel")
    private File safetyModel;

    /**
     * Pairs of update names to compare, as {@code x:y}, for example {@code useful:harmful,useful:alignment}.
     * Unset compares every pair of updates.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.pairs")
    private List<String> pairs;

    /**
     * Granularities, in output order: {@code tensor} (each weight tensor) and {@code layer} (the tensors
     * of one decoder layer with one column count, stacked along rows).
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.granularity", defaultValue = "tensor,layer")
    private List<String> granularity;

    /**
     * Energy fractions η, each in (0, 1]: k(η) is the smallest number of top singular values whose
     * squares reach this fraction of an update's squared Frobenius norm.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.etas", defaultValue = "0.01,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.99")
    private List<Double> etas;

    /**
     * Pairs of random subspaces sampled for each distinct (d, kx, ky) to estimate the random baseline as a
     * check of the closed form; 0 turns the sampled baseline off, otherwise at least 2.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.sampledBaselineTrials", defaultValue = "0")
    private int sampledBaselineTrials;

    /**
     * Seed of the sampled baseline.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.seed", defaultValue = "42")
    private long seed;

    /**
     * Output folder of {@code update-spaces.csv} and {@code update-spaces-summary.csv}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.updateSpacesOutput",
            defaultValue = "${project.build.directory}/safety/update-spaces")
    private File updateSpacesOutput;

    @Override
    protected void run() {
        Map<String, Path> finetunePaths = finetunePaths();
        List<UpdatePair> updatePairs = pairs == null ? List.of() : pairs.stream()
                .filter(pair -> !pair.isBlank()).map(UpdatePair::parse).toList();
        List<Granularity> granularities = granularity.stream().map(Granularity::parse).toList();
        UpdateSpaces.Request request = new UpdateSpaces.Request(base.toPath(), aligned.toPath(), finetunePaths,
                safetyModel == null ? null : safetyModel.toPath(), updatePairs, granularities, etas,
                sampledBaselineTrials, seed, resolveStandalone(updateSpacesOutput), svdCachePath());
        getLog().info("Updates: " + String.join(", ", request.updateNames()) + "; pairs: "
                + String.join(", ", request.effectivePairs().stream().map(UpdatePair::label).toList()));

        UpdateSpaces.Result result = UpdateSpaces.run(request);
        getLog().info("Update spaces: " + result.csv() + " (" + result.rows() + " rows, " + result.degenerateRows()
                + " degenerate) and " + result.summaryCsv());
        getLog().info("SVDs: " + result.svdsComputed() + " computed, " + result.svdsReused() + " read from "
                + request.cacheRoot());
    }

    @Override
    protected String goalName() {
        return "update-spaces";
    }
}
